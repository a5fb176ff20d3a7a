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

    /// <summary>Hash of one mapping: e (expiry), u (subject), x (subject index key), a:&lt;handle&gt; (app session).</summary>
    public string Mapping(string id) => Prefix + "s:" + id;

    /// <summary>Sorted set of mapping ids by expiry, for the purge.</summary>
    public string MappingExpiry => Prefix + "se";

    /// <summary>Set of the mapping ids of one subject of one client.</summary>
    public string Subject(string issuer, string clientId, string subject) => Prefix + "u:" + Join(issuer, clientId, subject);

    public string Replay(string id) => Prefix + "r:" + id;

    public string ReplayExpiry => Prefix + "re";

    /// <summary>Hash kid to the immutable part of a signing key; <see cref="SigningKeyRetirements"/> holds retires_at.</summary>
    public string SigningKeys => Prefix + "k";

    public string SigningKeyRetirements => Prefix + "kr";

    /// <summary>Prefix of the outbox entry hashes.</summary>
    public string OutboxEntryPrefix => Prefix + "o:";

    /// <summary>Sorted set of pending entries by the instant they can be leased (next attempt, or end of lease).</summary>
    public string OutboxDue => Prefix + "od";

    /// <summary>Sorted set of dead letters by the instant they died.</summary>
    public string OutboxDead => Prefix + "ox";

    public static string MappingId(SessionKey key) => Join(key.Issuer, key.ClientId, key.Sid);

    public static string Join(params string[] parts) => string.Join('|', parts.Select(Escape));

    /// <summary>The last part of an id made by <see cref="Join"/>.</summary>
    public static string LastPart(string id) => Unescape(id[(id.LastIndexOf('|') + 1)..]);

    private static string Escape(string part) =>
        part.Replace("%", "%25", StringComparison.Ordinal).Replace("|", "%7C", StringComparison.Ordinal);

    private static string Unescape(string part) =>
        part.Replace("%7C", "|", StringComparison.Ordinal).Replace("%25", "%", StringComparison.Ordinal);
}
