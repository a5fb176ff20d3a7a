using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Logout;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.SilentLogouts.KeycloakApi;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Reconciliation;

/// <summary>
/// Queues a check of the user's other sessions after each logout Keycloak sent for a realm with Admin API access, for
/// <see cref="UserLogoutWorker"/>: a bounded channel (a full one drops the check, logged: reconciliation remains), one
/// check per user and issuer within <see cref="UserLogoutOptions.DeduplicationWindow"/>. Nothing here waits or does
/// I/O: it runs on the back-channel request, after the logout was accepted.
/// </summary>
internal sealed partial class UserLogoutQueue : IAcceptedLogoutObserver
{
    private readonly Channel<UserLogoutCheck> _channel;
    private readonly ConcurrentDictionary<(string Issuer, string Subject), UserLogoutCheck> _recent = new();
    private readonly HashSet<string> _issuers;
    private readonly UserLogoutOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Counter<long> _checks;
    private readonly ILogger<UserLogoutQueue> _logger;

    public UserLogoutQueue(
        KeycloakAdminRealms realms, IOptions<UserLogoutOptions> options, TimeProvider timeProvider, IMeterFactory meterFactory, ILogger<UserLogoutQueue> logger)
    {
        _options = options.Value;
        _issuers = [.. realms.All.Select(r => r.Settings.Issuer)];
        _timeProvider = timeProvider;
        _logger = logger;
        _channel = Channel.CreateBounded<UserLogoutCheck>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = false,
            SingleReader = false,
        });
        _checks = meterFactory.Create(LogoutEnricherMetrics.MeterName).CreateCounter<long>("logoutenricher.user_logout.checks", "{check}",
            "Checks of a user's other sessions after a logout, by outcome (ended, none_ended, no_other_sessions, no_decision, failed, deduplicated, dropped).");
    }

    /// <summary>Whether checks run at all: enabled, and some realm has Admin API access.</summary>
    public bool Active => _options.Enabled && _issuers.Count > 0;

    public ChannelReader<UserLogoutCheck> Reader => _channel.Reader;

    public void LogoutAccepted(LogoutRequest request, IReadOnlyList<SessionMapping> ended)
    {
        // Note: a logout without a sid already ended every session of the subject at that client (BCL 1.0 §2.4), and
        // Keycloak sends one to each client; only a logout naming one session can leave the user's others behind.
        if (!Active || request.Sid is not { } sid || !_issuers.Contains(request.Issuer)
            || (request.Subject ?? ended.FirstOrDefault(m => m.Subject is not null)?.Subject) is not { } subject)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        var key = (request.Issuer, subject);
        while (true)
        {
            var existing = _recent.GetValueOrDefault(key);
            if (existing is not null && now - existing.QueuedAt < _options.DeduplicationWindow)
            {
                existing.LeaveToKeycloak(sid);
                Count("deduplicated");
                return;
            }

            var check = new UserLogoutCheck(request.Issuer, subject, sid, now);
            if (existing is null ? !_recent.TryAdd(key, check) : !_recent.TryUpdate(key, check, existing))
            {
                continue;
            }

            if (!_channel.Writer.TryWrite(check))
            {
                _recent.TryRemove(new KeyValuePair<(string, string), UserLogoutCheck>(key, check));
                Count("dropped");
                LogCheckDropped(_logger, request.Issuer, _options.QueueCapacity);
            }

            return;
        }
    }

    /// <summary>Forgets the checks older than the deduplication window (their user may start a new one).</summary>
    public void ForgetOld()
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var pair in _recent)
        {
            if (now - pair.Value.QueuedAt >= _options.DeduplicationWindow)
            {
                _recent.TryRemove(pair);
            }
        }
    }

    public void Count(string outcome) => _checks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    [LoggerMessage(EventId = EventIds.UserLogoutCheckDropped, EventName = nameof(EventIds.UserLogoutCheckDropped), Level = LogLevel.Warning,
        Message = "A logout of {Issuer} arrived while {QueueCapacity} checks of users' other sessions were waiting: no check for this one; reconciliation ends what Keycloak ended")]
    private static partial void LogCheckDropped(ILogger logger, string issuer, int queueCapacity);
}

/// <summary>
/// One queued check: whose sessions (issuer, subject), since when, and the sessions Keycloak's own logouts named (left
/// to them, so an application is not told twice).
/// </summary>
internal sealed class UserLogoutCheck(string issuer, string subject, string sid, DateTimeOffset queuedAt)
{
    private readonly HashSet<string> _namedByKeycloak = new(StringComparer.Ordinal) { sid };
    private bool _started;

    public string Issuer { get; } = issuer;

    public string Subject { get; } = subject;

    public DateTimeOffset QueuedAt { get; } = queuedAt;

    /// <summary>Another logout Keycloak sent for this user before the check ran: its session is not ended here.</summary>
    public void LeaveToKeycloak(string sid)
    {
        lock (_namedByKeycloak)
        {
            if (!_started)
            {
                _namedByKeycloak.Add(sid);
            }
        }
    }

    /// <summary>Marks the check as running; returns the sessions Keycloak's logouts named.</summary>
    public HashSet<string> Start()
    {
        lock (_namedByKeycloak)
        {
            _started = true;
            return [.. _namedByKeycloak];
        }
    }
}
