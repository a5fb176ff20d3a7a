using System.Diagnostics;
using System.Diagnostics.Metrics;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Protocol.AdminUrl;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Protocol.AdminUrl;

/// <summary>
/// <c>logoutenricher.keycloak_admin_pushes{action,outcome,reason}</c>, <c>logoutenricher.fan_out.sessions</c> and the
/// gauge <c>logoutenricher.fan_out.jobs{state}</c> (pending, done, failed), on LogoutEnricher's meter.
/// </summary>
internal sealed class FanOutMetrics
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private readonly Counter<long> _pushes;
    private readonly Counter<long> _sessions;
    private readonly IFanOutJobStore? _jobs;
    private readonly TimeProvider _timeProvider;
    private FanOutJobCounts _counts;
    private long _readAt = long.MinValue;
    private int _reading;

    public FanOutMetrics(IMeterFactory meterFactory, IServiceProvider services, TimeProvider timeProvider)
    {
        _jobs = services.GetService<IFanOutJobStore>();
        _timeProvider = timeProvider;
        var meter = meterFactory.Create(LogoutEnricherMetrics.MeterName);
        _pushes = meter.CreateCounter<long>("logoutenricher.keycloak_admin_pushes", "{push}", "Keycloak Admin URL pushes (k_logout, k_push_not_before), by action, outcome and rejection reason.");
        _sessions = meter.CreateCounter<long>("logoutenricher.fan_out.sessions", "{session}", "Application sessions queued for logout by fan-out jobs, by client.");
        meter.CreateObservableGauge("logoutenricher.fan_out.jobs", Observe, "{job}", "Fan-out jobs by state (pending, done, failed).");
    }

    public void PushCompleted(string action, string outcome, AdminPushRejection? reason)
    {
        var tags = new TagList { { "action", action }, { "outcome", outcome } };
        if (reason is { } rejected)
        {
            tags.Add("reason", rejected.ToString());
        }

        _pushes.Add(1, tags);
    }

    public void SessionsQueued(string clientId, int count) => _sessions.Add(count, new TagList { { "client", clientId } });

    private IEnumerable<Measurement<long>> Observe()
    {
        var now = _timeProvider.GetTimestamp();
        if (_jobs is not null && (_readAt == long.MinValue || _timeProvider.GetElapsedTime(Volatile.Read(ref _readAt), now) > MaxAge)
            && Interlocked.CompareExchange(ref _reading, 1, 0) == 0)
        {
            _ = RefreshAsync(_jobs);
        }

        var counts = _counts;
        yield return new Measurement<long>(counts.Pending, new KeyValuePair<string, object?>("state", "pending"));
        yield return new Measurement<long>(counts.Done, new KeyValuePair<string, object?>("state", "done"));
        yield return new Measurement<long>(counts.Failed, new KeyValuePair<string, object?>("state", "failed"));
    }

    private async Task RefreshAsync(IFanOutJobStore jobs)
    {
        try
        {
            // Note: the gauge keeps its last value while the store is down; readiness reports the store.
            var read = await StoreFailures.CatchAsync(() => jobs.CountAsync());
            if (read.Succeeded)
            {
                _counts = read.Value;
                Volatile.Write(ref _readAt, _timeProvider.GetTimestamp());
            }
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }
}
