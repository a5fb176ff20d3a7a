using System.Diagnostics;
using System.Diagnostics.Metrics;
using LogoutEnricher.Delivery;
using LogoutEnricher.Logout;
using LogoutEnricher.Protocol.BackChannelLogout;
using LogoutEnricher.Protocol.Providers;

namespace LogoutEnricher.Operations.Telemetry;

/// <summary>
/// Every instrument of the meter <c>LogoutEnricher</c>. Label values are bounded: outcomes and reasons are fixed
/// names, clients and issuers come from configuration, never from requests. The names as Prometheus shows them are
/// listed in docs/operations.md.
/// </summary>
internal sealed class LogoutEnricherMetrics
{
    public const string MeterName = "LogoutEnricher";

    private readonly Counter<long> _captures;
    private readonly Counter<long> _logoutTokens;
    private readonly Counter<long> _replayRejections;
    private readonly Counter<long> _logouts;
    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _deliveryDuration;
    private readonly Counter<long> _jwksRefreshes;
    private readonly Counter<long> _storeErrors;
    private readonly Counter<long> _keyRotations;

    public LogoutEnricherMetrics(IMeterFactory meterFactory, OutboxGauges outbox)
    {
        var meter = meterFactory.Create(MeterName);
        _captures = meter.CreateCounter<long>("logoutenricher.captures", "{capture}", "Token responses read for capture, by client and outcome.");
        _logoutTokens = meter.CreateCounter<long>("logoutenricher.logout_tokens", "{token}", "Back-channel logout requests, by outcome and rejection reason.");
        _replayRejections = meter.CreateCounter<long>("logoutenricher.replay_rejections", "{token}", "Logout tokens refused because their jti was accepted before.");
        _logouts = meter.CreateCounter<long>("logoutenricher.logouts", "{logout}", "Logouts through the pipeline, by source and outcome (one per session a fan-out page or reconciliation ends).");
        _deliveries = meter.CreateCounter<long>("logoutenricher.deliveries", "{delivery}", "Delivery attempts to applications, by client, format and outcome.");
        _deliveryDuration = meter.CreateHistogram("logoutenricher.delivery.duration", "s", "Duration of one delivery attempt.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8] });
        _jwksRefreshes = meter.CreateCounter<long>("logoutenricher.jwks_refreshes", "{refresh}", "Fetches of a provider's JWKS, by issuer and outcome.");
        _storeErrors = meter.CreateCounter<long>("logoutenricher.store_errors", "{error}", "Store operations that failed, by operation.");
        _keyRotations = meter.CreateCounter<long>("logoutenricher.signing_key_rotations", "{key}", "Signing keys created by scheduled rotation.");
        meter.CreateObservableGauge("logoutenricher.outbox.pending", () => outbox.Read().Pending, "{entry}", "Deliveries waiting in the outbox.");
        meter.CreateObservableGauge("logoutenricher.outbox.dead_letters", () => outbox.Read().DeadLetters, "{entry}", "Deliveries parked as dead letters.");
    }

    /// <param name="outcome">captured, unknown_client, no_session, not_read, issuer_mismatch, client_mismatch, client_unknown,
    /// store_failed_rejected, store_failed_allowed.</param>
    public void CaptureCompleted(string clientId, string outcome) =>
        _captures.Add(1, new TagList { { "client", clientId }, { "outcome", outcome } });

    /// <param name="outcome">delivered, delivery_failed, queued or unavailable.</param>
    public void LogoutCompleted(LogoutOutcome outcome) =>
        _logoutTokens.Add(1, new TagList { { "outcome", outcome.Name() }, { "reason", "none" } });

    /// <param name="count">How many logouts the request made (a fan-out page makes one per session); at least one is counted.</param>
    public void LogoutsProcessed(LogoutSource source, LogoutOutcome outcome, int count) =>
        _logouts.Add(Math.Max(count, 1), new TagList { { "source", source.Name() }, { "outcome", outcome.Name() } });

    public void LogoutRejected(RejectionReason reason)
    {
        _logoutTokens.Add(1, new TagList { { "outcome", "rejected" }, { "reason", reason.ToString() } });
        if (reason == RejectionReason.Replayed)
        {
            _replayRejections.Add(1);
        }
    }

    public void DeliveryCompleted(ConfiguredClient client, DeliveryResult result)
    {
        var outcome = result.Succeeded ? "delivered" : result.StatusCode is not null ? "rejected_by_application" : result.Error ?? "failed";
        var tags = new TagList { { "client", client.ClientId }, { "format", client.Format.ToString() }, { "outcome", outcome } };
        _deliveries.Add(1, tags);
        _deliveryDuration.Record(result.Elapsed.TotalSeconds, tags);
    }

    /// <param name="outcome">success or failure.</param>
    public void JwksRefreshed(string issuer, string outcome) =>
        _jwksRefreshes.Add(1, new TagList { { "issuer", issuer }, { "outcome", outcome } });

    /// <param name="operation">capture, logout, purge, admin, signing_keys.</param>
    public void StoreFailed(string operation) => _storeErrors.Add(1, new TagList { { "operation", operation } });

    public void SigningKeyRotated() => _keyRotations.Add(1);
}
