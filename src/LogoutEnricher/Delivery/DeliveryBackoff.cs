using LogoutEnricher.Hosting;

namespace LogoutEnricher.Delivery;

/// <summary>
/// Exponential backoff with full jitter: the wait before attempt n+1 is uniform in [0, min(MaxBackoff,
/// InitialBackoff·2ⁿ⁻¹)], so that a crowd of entries failing together against one application does not come back
/// together. An application's <c>Retry-After</c> is a floor: the next attempt never comes earlier than it asked.
/// </summary>
internal static class DeliveryBackoff
{
    public static TimeSpan Next(int attemptsMade, DeliveryOptions options, TimeSpan? retryAfter, Random random)
    {
        var exponent = Math.Min(Math.Max(attemptsMade - 1, 0), 30);
        var ceiling = Math.Min(options.MaxBackoff.TotalMilliseconds, options.InitialBackoff.TotalMilliseconds * Math.Pow(2, exponent));
        var delay = TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
        return retryAfter is { } floor && floor > delay ? floor : delay;
    }
}
