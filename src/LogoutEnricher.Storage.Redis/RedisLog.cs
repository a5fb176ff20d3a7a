using LogoutEnricher.Diagnostics;
using Microsoft.Extensions.Logging;

namespace LogoutEnricher.Storage.Redis;

/// <summary>Log events of the Redis backend; their ids are in <see cref="EventIds"/> (5200-5299).</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = EventIds.RedisPendingSetsBackfilled, EventName = nameof(EventIds.RedisPendingSetsBackfilled), Level = LogLevel.Information,
        Message = "{Entries} pending outbox entries accepted before this version were added to their client's pending set under prefix '{Prefix}' (once per store)")]
    public static partial void PendingSetsBackfilled(ILogger logger, int entries, string prefix);

    [LoggerMessage(EventId = EventIds.RedisPendingSetsBackfillDeferred, EventName = nameof(EventIds.RedisPendingSetsBackfillDeferred), Level = LogLevel.Warning,
        Message = "Redis did not answer at startup ({Cause}); outbox entries accepted before this version are added to their client's pending set at the next start")]
    public static partial void PendingSetsBackfillDeferred(ILogger logger, string cause);
}
