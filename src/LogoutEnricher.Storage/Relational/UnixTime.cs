namespace LogoutEnricher.Storage.Relational;

/// <summary>
/// The relational backends store instants as unix milliseconds (SQLite INTEGER, PostgreSQL bigint), so that
/// comparisons and the expiry indexes are plain integers.
/// </summary>
internal static class UnixTime
{
    public static long ToUnixMs(this DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long NowMs(this TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);
}
