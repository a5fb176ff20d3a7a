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

    public static async Task<List<T>> ReadAllAsync<T>(DbDataReader reader, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
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

    public static DeadLetter DeadLetter(DbDataReader reader) =>
        new(OutboxEntry(reader), reader.GetString(10), UnixTime.FromUnixMs(reader.GetInt64(11)));

    /// <summary>
    /// Folds session rows LEFT JOINed with their app sessions (columns sid, sub, expires_at, handle, protected_id,
    /// host), ordered by sid, into one mapping per sid; a sid without app sessions keeps an empty list.
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
                    UnixTime.FromUnixMs(reader.GetInt64(2))));
            }

            if (!reader.IsDBNull(3))
            {
                appSessions.Add(new AppSession(reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
        }

        return mappings;
    }
}
