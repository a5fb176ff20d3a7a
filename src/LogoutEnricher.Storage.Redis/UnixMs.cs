using System.Globalization;
using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>Instants are stored as unix milliseconds, so that Lua scripts and sorted-set scores compare plain numbers.</summary>
internal static class UnixMs
{
    public static long Of(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long Now(TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds();

    public static DateTimeOffset From(RedisValue value) => DateTimeOffset.FromUnixTimeMilliseconds((long)value);

    public static DateTimeOffset Parse(string value) => DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));

    /// <summary>Native time to live of a key whose logical expiry is <paramref name="expiresAt"/>: the rest plus a margin.</summary>
    public static long TimeToLive(DateTimeOffset expiresAt, TimeProvider time) =>
        (long)(Max(expiresAt - time.GetUtcNow(), TimeSpan.Zero) + RedisKeys.ExpiryMargin).TotalMilliseconds;

    private static TimeSpan Max(TimeSpan left, TimeSpan right) => left > right ? left : right;
}
