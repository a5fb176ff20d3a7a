namespace LogoutEnricher.Storage.Sqlite;

/// <summary>Times are stored as unix milliseconds, so that comparisons and the expiry indexes are plain integers.</summary>
internal static class UnixTime
{
    public static long ToUnixMs(this DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long NowMs(this TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);
}
