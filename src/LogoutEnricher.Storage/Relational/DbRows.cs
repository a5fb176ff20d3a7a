using System.Data.Common;

namespace LogoutEnricher.Storage.Relational;

/// <summary>
/// Reads the rows the relational backends share column for column. Note: it works over <see cref="DbDataReader"/>,
/// the base of both the Microsoft.Data.Sqlite and the Npgsql readers; both schemas keep text as text and instants as
/// unix milliseconds (<see cref="UnixTime"/>), so one reader serves both without converters.
/// </summary>
internal static class DbRows
{
    /// <summary>The columns <see cref="SigningKey"/> reads, in order.</summary>
    public const string SigningKeyColumns = "kid, alg, protected_private_key, created_at, activates_at, retires_at";

    /// <summary>The columns <see cref="OutboxEntry"/> reads, in order; <see cref="DeadLetter"/> adds dead_reason, dead_at.</summary>
    public const string OutboxColumns = "id, issuer, client_id, host, payload, created_at, expires_at, attempts, next_attempt_at, last_error";

    /// <summary>The columns <see cref="FanOutJob"/> reads, in order.</summary>
    public const string FanOutJobColumns = "id, issuer, client_id, action, action_id, not_before, captured_before, created_at, state, cursor, sessions, error, updated_at";

    public static async Task<List<T>> ReadAllAsync<T>(DbDataReader reader, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>Rows of (state, count) folded into the counts per <see cref="FanOutJobState"/>; unknown states are ignored.</summary>
    public static async Task<FanOutJobCounts> FanOutJobCountsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var counts = new long[3];
        while (await reader.ReadAsync(cancellationToken))
        {
            var state = reader.GetInt32(0);
            if (state is >= 0 and < 3)
            {
                counts[state] = reader.GetInt64(1);
            }
        }

        return new FanOutJobCounts(counts[0], counts[1], counts[2]);
    }

    /// <summary>Rows of (sid, observed_at) as the reconciliation's observations.</summary>
    public static async Task<IReadOnlyDictionary<string, DateTimeOffset>> ObservationsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var observations = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            observations[reader.GetString(0)] = UnixTime.FromUnixMs(reader.GetInt64(1));
        }

        return observations;
    }

    public static StoredSigningKey SigningKey(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        UnixTime.FromUnixMs(reader.GetInt64(3)),
        UnixTime.FromUnixMs(reader.GetInt64(4)),
        reader.IsDBNull(5) ? null : UnixTime.FromUnixMs(reader.GetInt64(5)));

    public static OutboxEntry OutboxEntry(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.GetString(4),
        UnixTime.FromUnixMs(reader.GetInt64(5)),
        UnixTime.FromUnixMs(reader.GetInt64(6)),
        reader.GetInt32(7),
        UnixTime.FromUnixMs(reader.GetInt64(8)),
        reader.IsDBNull(9) ? null : reader.GetString(9));

    public static FanOutJob FanOutJob(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetInt64(5),
        UnixTime.FromUnixMs(reader.GetInt64(6)),
        UnixTime.FromUnixMs(reader.GetInt64(7)),
        (FanOutJobState)reader.GetInt32(8),
        reader.IsDBNull(9) ? null : reader.GetString(9),
        reader.GetInt64(10),
        reader.IsDBNull(11) ? null : reader.GetString(11),
        UnixTime.FromUnixMs(reader.GetInt64(12)));

    public static DeadLetter DeadLetter(DbDataReader reader) =>
        new(OutboxEntry(reader), reader.GetString(10), UnixTime.FromUnixMs(reader.GetInt64(11)));

    /// <summary>
    /// Folds session rows LEFT JOINed with their app sessions (columns sid, sub, expires_at, handle, protected_id,
    /// host, protected_sid, protected_sub), ordered by sid, into one mapping per sid; a sid without app sessions keeps
    /// an empty list.
    /// </summary>
    public static async Task<List<SessionMapping>> SessionMappingsAsync(DbDataReader reader, string issuer, string clientId, CancellationToken cancellationToken)
    {
        var mappings = new List<SessionMapping>();
        List<AppSession>? appSessions = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var sid = reader.GetString(0);
            if (appSessions is null || mappings[^1].Key.Sid != sid)
            {
                appSessions = [];
                mappings.Add(new SessionMapping(
                    new SessionKey(issuer, clientId, sid),
                    reader.IsDBNull(1) ? null : reader.GetString(1),
                    appSessions,
                    UnixTime.FromUnixMs(reader.GetInt64(2))) { Protected = ProtectedIdentity(reader, 6) });
            }

            if (!reader.IsDBNull(3))
            {
                appSessions.Add(new AppSession(reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
        }

        return mappings;
    }

    /// <summary>A row of columns sid, sub, protected_sid, protected_sub.</summary>
    public static CapturedSession CapturedSession(DbDataReader reader) =>
        new(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) { Protected = ProtectedIdentity(reader, 2) };

    /// <summary>A row of columns issuer, client_id, sid, sub of a mapping written before hashing.</summary>
    public static UnprotectedSession UnprotectedSession(DbDataReader reader) =>
        new(new SessionKey(reader.GetString(0), reader.GetString(1), reader.GetString(2)), reader.IsDBNull(3) ? null : reader.GetString(3));

    /// <summary>Columns protected_sid, protected_sub from <paramref name="ordinal"/>: null for a row written before hashing.</summary>
    private static ProtectedIdentity? ProtectedIdentity(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal)
        ? null
        : new ProtectedIdentity(reader.GetString(ordinal), reader.IsDBNull(ordinal + 1) ? null : reader.GetString(ordinal + 1));
}
