using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting.Durability;

/// <summary>The last reading of the backend's durability settings, re-read at most every <see cref="DurabilityOptions.RecheckInterval"/>.</summary>
internal sealed class DurabilityMonitor(IStorageDurability storage, IOptions<DurabilityOptions> options, TimeProvider time)
{
    private (StorageDurability Reading, DateTimeOffset At)? _last;

    public async Task<StorageDurability> GetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_last is { } last && now - last.At < options.Value.RecheckInterval)
        {
            return last.Reading;
        }

        var reading = await storage.CheckAsync(cancellationToken);
        _last = (reading, now);
        return reading;
    }

    /// <summary>Settings as one line for logs: <c>synchronous=FULL, journal_mode=wal</c>.</summary>
    public static string Describe(StorageDurability reading) =>
        string.Join(", ", reading.Settings.Select(setting => $"{setting.Key}={setting.Value}"));
}
