using System.Data.Common;
using System.Text;

namespace LogoutEnricher.Storage.Relational;

/// <summary>
/// The logout trail's SQL, shared by the relational backends (the schema is the same column for column); only the
/// parameter placeholder differs (<c>$p1</c> for SQLite, <c>$1</c> for PostgreSQL).
/// </summary>
internal static class TrailSql
{
    public const string LogoutColumns =
        "id, accepted_at, issuer, client_id, source, reason, sid_hash, subject_hash, protected_subject, app_sessions, outcome, attempts, delivered_at, last_error";

    public const string AttemptColumns = "logout_id, seq, number, at, status_code, error, duration_ms, outcome";

    /// <summary>Purges at most this many logouts per call.</summary>
    public const int PurgeBatch = LogoutTrailPurge.BatchSize;

    public static string InsertLogout(Func<int, string> p) =>
        $"INSERT INTO trail_logouts ({LogoutColumns}) VALUES ({Placeholders(p, 14)}) ON CONFLICT (id) DO NOTHING;";

    public static object?[] LogoutValues(TrailLogout l) =>
        [l.Id, l.AcceptedAt.ToUnixMs(), l.Issuer, l.ClientId, l.Source, l.Reason, l.SidHash, l.SubjectHash, l.ProtectedSubject, l.AppSessions, l.Outcome.Name(),
            0, null, null];

    public static string InsertAttempt(Func<int, string> p) =>
        $"INSERT INTO trail_attempts ({AttemptColumns}) VALUES ({Placeholders(p, 8)}) ON CONFLICT (logout_id, seq) DO NOTHING;";

    public static object?[] AttemptValues(TrailAttempt a) =>
        [a.LogoutId, a.Sequence, a.Number, a.At.ToUnixMs(), a.StatusCode, a.Error, a.Duration.TotalMilliseconds, a.Outcome.Name()];

    /// <summary>Brings one logout's summary up to date with its attempts (nothing when it has none yet).</summary>
    public static string Summarize(Func<int, string> p) => $"""
        UPDATE trail_logouts SET
          attempts = (SELECT COUNT(*) FROM trail_attempts a WHERE a.logout_id = trail_logouts.id),
          delivered_at = (SELECT MAX(a.at) FROM trail_attempts a WHERE a.logout_id = trail_logouts.id AND a.outcome = 'delivered'),
          outcome = (SELECT a.outcome FROM trail_attempts a WHERE a.logout_id = trail_logouts.id ORDER BY a.at DESC, a.number DESC, a.seq DESC LIMIT 1),
          last_error = (SELECT CASE WHEN a.outcome = 'delivered' THEN NULL ELSE COALESCE(a.error, 'HTTP ' || a.status_code) END
                        FROM trail_attempts a WHERE a.logout_id = trail_logouts.id ORDER BY a.at DESC, a.number DESC, a.seq DESC LIMIT 1)
        WHERE id = {p(1)} AND EXISTS (SELECT 1 FROM trail_attempts a WHERE a.logout_id = {p(1)});
        """;

    public static string Find(Func<int, string> p) => $"SELECT {LogoutColumns} FROM trail_logouts WHERE id = {p(1)};";

    public static string Attempts(Func<int, string> p) => $"SELECT {AttemptColumns} FROM trail_attempts WHERE logout_id = {p(1)} ORDER BY at, number, seq;";

    /// <summary>The ids to purge: accepted before $1, then beyond the newest $2 rows; at most <see cref="PurgeBatch"/>.</summary>
    public static string PurgeIds(Func<int, string> p) => $"""
        SELECT id FROM trail_logouts WHERE accepted_at < {p(1)}
        UNION
        SELECT id FROM (SELECT id FROM trail_logouts ORDER BY accepted_at DESC, id DESC LIMIT {PurgeBatch} OFFSET {p(2)}) AS overflow
        LIMIT {PurgeBatch};
        """;

    /// <summary>Attempts older than $1 belong to logouts accepted even earlier: purged by time alone.</summary>
    public static string PurgeOldAttempts(Func<int, string> p) => $"DELETE FROM trail_attempts WHERE at < {p(1)};";

    public static string DeleteLogouts(Func<int, string> p, int count) => $"DELETE FROM trail_logouts WHERE id IN ({Placeholders(p, count)});";

    public static string DeleteAttemptsOf(Func<int, string> p, int count) => $"DELETE FROM trail_attempts WHERE logout_id IN ({Placeholders(p, count)});";

    /// <summary>The query's SQL and its parameter values, in placeholder order.</summary>
    public static (string Sql, List<object?> Values) Query(TrailQuery query, Func<int, string> p)
    {
        var sql = new StringBuilder($"SELECT {LogoutColumns} FROM trail_logouts WHERE 1 = 1");
        var values = new List<object?>();
        string Next(object? value)
        {
            values.Add(value);
            return p(values.Count);
        }

        if (query.From is { } from)
        {
            sql.Append($" AND accepted_at >= {Next(from.ToUnixMs())}");
        }

        if (query.To is { } to)
        {
            sql.Append($" AND accepted_at < {Next(to.ToUnixMs())}");
        }

        if (query.ClientId is { } client)
        {
            sql.Append($" AND client_id = {Next(client)}");
        }

        if (query.Outcome is { } outcome)
        {
            sql.Append($" AND outcome = {Next(outcome.Name())}");
        }

        if (query.Source is { } source)
        {
            sql.Append($" AND source = {Next(source)}");
        }

        if (query.Reason is { } reason)
        {
            sql.Append($" AND reason = {Next(reason)}");
        }

        foreach (var hashes in query.Users ?? [])
        {
            if (hashes.Count == 0)
            {
                sql.Append(" AND 1 = 0");
                continue;
            }

            var list = string.Join(", ", hashes.Select(Next));
            sql.Append($" AND (sid_hash IN ({list}) OR subject_hash IN ({list}))");
        }

        if (query.After is { } after)
        {
            var at = Next(after.AcceptedAt.ToUnixMs());
            sql.Append($" AND (accepted_at < {at} OR (accepted_at = {at} AND id < {Next(after.Id)}))");
        }

        sql.Append($" ORDER BY accepted_at DESC, id DESC LIMIT {Next(query.Limit)};");
        return (sql.ToString(), values);
    }

    public static TrailLogout Logout(DbDataReader r) => new(
        r.GetString(0),
        UnixTime.FromUnixMs(r.GetInt64(1)),
        r.GetString(2),
        r.GetString(3),
        r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        r.GetString(6),
        r.IsDBNull(7) ? null : r.GetString(7),
        r.IsDBNull(8) ? null : r.GetString(8),
        r.GetInt32(9),
        TrailOutcomeNames.Parse(r.GetString(10)),
        r.GetInt32(11),
        r.IsDBNull(12) ? null : UnixTime.FromUnixMs(r.GetInt64(12)),
        r.IsDBNull(13) ? null : r.GetString(13));

    public static TrailAttempt Attempt(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.GetInt32(2),
        UnixTime.FromUnixMs(r.GetInt64(3)),
        r.IsDBNull(4) ? null : r.GetInt32(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        TimeSpan.FromMilliseconds(r.GetDouble(6)),
        TrailOutcomeNames.Parse(r.GetString(7)));

    private static string Placeholders(Func<int, string> p, int count) => string.Join(", ", Enumerable.Range(1, count).Select(p));
}
