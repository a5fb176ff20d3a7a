using System.Collections.Concurrent;
using LogoutEnricher.Diagnostics;

namespace LogoutEnricher.Protocol.Providers;

/// <summary>What is known about each issuer's keys, and logging a failure once per cause rather than once per retry.</summary>
internal sealed partial class ProviderKeyCache
{
    private readonly ConcurrentDictionary<string, (string Error, DateTimeOffset Since)> _failing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _staleNoted = new(StringComparer.Ordinal);

    /// <summary>The keys of one issuer as readiness and the console report them.</summary>
    public IssuerKeyStatus StatusOf(string issuer)
    {
        var keys = _keys.GetValueOrDefault(issuer);
        var failing = _failing.TryGetValue(issuer, out var failure) ? failure : default((string Error, DateTimeOffset Since)?);
        return new IssuerKeyStatus(keys is not null, keys?.Count ?? 0, keys?.FetchedAt, failing?.Error, failing?.Since);
    }

    /// <summary>Logs a failure once per cause: a provider down for an hour is one line, not one per retry.</summary>
    private void RecordFailure(string issuer, string error, DateTimeOffset now)
    {
        var previous = _failing.GetValueOrDefault(issuer);
        _failing[issuer] = (error, previous.Error is null ? now : previous.Since);
        if (previous.Error != error)
        {
            LogKeysUnavailable(logger, issuer, error);
        }
    }

    [LoggerMessage(EventId = EventIds.ProviderKeysUnavailable, EventName = nameof(EventIds.ProviderKeysUnavailable), Level = LogLevel.Warning, Message = "Keys of {Issuer} unavailable: {Reason}; retrying with backoff, logged again only when the cause changes")]
    private static partial void LogKeysUnavailable(ILogger logger, string issuer, string reason);

    [LoggerMessage(EventId = EventIds.ProviderKeysRecovered, EventName = nameof(EventIds.ProviderKeysRecovered), Level = LogLevel.Information, Message = "Keys of {Issuer} loaded again after {Downtime} of failures")]
    private static partial void LogKeysRecovered(ILogger logger, string issuer, TimeSpan downtime);
}
