namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// The key layout under the prefix. Key parts are joined with '|'; '%' and '|' inside a part are percent-encoded, so
/// that an issuer or sid containing '|' can never collide with another key.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>
    /// Native expiry is only a safety net for memory: the logical expiry is stored and compared with the host's clock,
    /// and the key outlives it by this margin so that a replica whose clock is a little behind still sees it.
    /// </summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(5);

    public string Prefix { get; } = prefix;

    /// <summary>
    /// Hash of one mapping: e (expiry), u (subject lookup hash), x (subject index key), ps and pu (sid and subject
    /// encrypted by the host), ci (client index key), a:&lt;handle&gt; (app session), c:&lt;handle&gt; (captured at). The id embeds
    /// the sid lookup hash, never the sid.
    /// </summary>
    public string Mapping(string id) => Prefix + "s:" + id;

    /// <summary>Sorted set of mapping ids by expiry, for the purge.</summary>
    public string MappingExpiry => Prefix + "se";

    /// <summary>Set of the mapping ids of one subject of one client.</summary>
    public string Subject(string issuer, string clientId, string subject) => Prefix + "u:" + Join(issuer, clientId, subject);

    /// <summary>Sorted set (all scores 0, read by lex range) of the mapping ids of one client: the fan-out's keyset.</summary>
    public string ClientIndex(string issuer, string clientId) => Prefix + "c:" + Join(issuer, clientId);

    /// <summary>Hash of one fan-out job.</summary>
    public string FanOutJob(string id) => Prefix + "f:" + id;

    /// <summary>Sorted set of pending fan-out jobs by the instant they can be leased (creation, or end of lease).</summary>
    public string FanOutPending => Prefix + "fp";

    /// <summary>Sorted set of every fan-out job by creation time (listing).</summary>
    public string FanOutAll => Prefix + "fa";

    /// <summary>Sorted set of the finished jobs in one state (1 done, 2 failed) by when they finished (counts, purge).</summary>
    public string FanOutFinished(int state) => Prefix + "f" + state.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sorted set of the trail's logout ids by accepted-at (unix ms).</summary>
    public string TrailLogouts => Prefix + "tl";

    /// <summary>
    /// Hash of one trail logout: a (accepted at), i, c, s (source), r (reason), sh (sid hash), uh (subject hash),
    /// pu (subject encrypted by the host), n (app sessions), o (outcome), k (attempts), d (delivered at), e (last error),
    /// la and ln (time and number of the latest attempt). Without field a only attempts arrived so far.
    /// </summary>
    public string TrailLogout(string id) => Prefix + "tl:" + id;

    /// <summary>Hash of one logout's attempts: sequence to "number|at|status|duration ms|outcome|error".</summary>
    public string TrailAttempts(string id) => Prefix + "ta:" + id;

    public string Replay(string id) => Prefix + "r:" + id;

    public string ReplayExpiry => Prefix + "re";

    /// <summary>String the readiness probe writes; it expires natively a minute later.</summary>
    public string ReadinessProbe => Prefix + "probe";

    /// <summary>Hash kid to the immutable part of a signing key; <see cref="SigningKeyRetirements"/> holds retires_at.</summary>
    public string SigningKeys => Prefix + "k";

    public string SigningKeyRetirements => Prefix + "kr";

    /// <summary>Hash activation slot to the kid that holds it (<see cref="ISigningKeyStore.AddToSlotAsync"/>).</summary>
    public string SigningKeySlots => Prefix + "ks";

    /// <summary>Prefix of the outbox entry hashes.</summary>
    public string OutboxEntryPrefix => Prefix + "o:";

    /// <summary>Sorted set of pending entries by the instant they can be leased (next attempt, or end of lease).</summary>
    public string OutboxDue => Prefix + "od";

    /// <summary>
    /// Sorted set of one client's pending entries (leased or not) by the instant they were accepted: its first member is
    /// the client's oldest pending delivery. Its name is also kept in the entry's hash (field <c>pk</c>).
    /// </summary>
    public string OutboxPendingOfClient(string issuer, string clientId) => Prefix + "op:" + Join(issuer, clientId);

    /// <summary>Sorted set of dead letters by the instant they died.</summary>
    public string OutboxDead => Prefix + "ox";

    /// <summary>Hash of reconciliation cursors: field name to value.</summary>
    public string ReconciliationCursors => Prefix + "rc";

    /// <summary>Hash of one lease: o (owner), e (until, unix ms).</summary>
    public string ReconciliationLease(string name) => Prefix + "rl:" + Join(name);

    /// <summary>Hash of one client's sessions seen missing: field sid to the first instant (unix ms).</summary>
    public string ReconciliationObservations(string issuer, string clientId) => Prefix + "ro:" + Join(issuer, clientId);

    /// <summary>String holding the key layout version: set to 2 once the layout with hashed sids and subjects was applied.</summary>
    public string Layout => Prefix + "layout";

    /// <summary>A SCAN pattern matching every mapping key.</summary>
    public string MappingsPattern => EscapeGlob(Mapping("")) + "*";

    /// <summary>A SCAN pattern matching every reconciliation observation key.</summary>
    public string ObservationsPattern => EscapeGlob(Prefix + "ro:") + "*";

    /// <summary>The issuer and client parts of a mapping id made by <see cref="MappingId"/>.</summary>
    public static (string Issuer, string ClientId) IssuerAndClient(string id)
    {
        var parts = id.Split('|');
        return (Unescape(parts[0]), Unescape(parts[1]));
    }

    /// <summary>Hash of the Data Protection key ring: friendly name to the element's XML (ADR 0020).</summary>
    public string DataProtectionKeys => Prefix + "dp";

    /// <summary>
    /// String set once every outbox entry accepted before the per-client pending sets existed was added to its set
    /// (<see cref="RedisStorageInitializer"/>).
    /// </summary>
    public string OutboxPendingBackfilled => Prefix + "op-backfilled";

    /// <summary>A SCAN pattern matching exactly the mapping keys of one client (glob characters escaped).</summary>
    public string MappingsOfClientPattern(string issuer, string clientId) => EscapeGlob(Mapping(Join(issuer, clientId) + "|")) + "*";

    public static string MappingId(SessionKey key) => Join(key.Issuer, key.ClientId, key.Sid);

    public static string Join(params string[] parts) => string.Join('|', parts.Select(Escape));

    /// <summary>The last part of an id made by <see cref="Join"/>.</summary>
    public static string LastPart(string id) => Unescape(id[(id.LastIndexOf('|') + 1)..]);

    private static string EscapeGlob(string value)
    {
        var builder = new System.Text.StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static string Escape(string part) =>
        part.Replace("%", "%25", StringComparison.Ordinal).Replace("|", "%7C", StringComparison.Ordinal);

    private static string Unescape(string part) =>
        part.Replace("%7C", "|", StringComparison.Ordinal).Replace("%25", "%", StringComparison.Ordinal);
}
