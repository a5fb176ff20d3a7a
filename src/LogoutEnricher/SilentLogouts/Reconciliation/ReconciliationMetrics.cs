using System.Diagnostics;
using System.Diagnostics.Metrics;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Protocol.Providers;

namespace LogoutEnricher.SilentLogouts.Reconciliation;

/// <summary>
/// <c>logoutenricher.reconciliation.logouts</c> (sessions ended, by issuer, client and reason) and
/// <c>logoutenricher.reconciliation.runs</c> (event polls and session cycles, by kind and outcome).
/// </summary>
internal sealed class ReconciliationMetrics
{
    private readonly Counter<long> _logouts;
    private readonly Counter<long> _runs;

    public ReconciliationMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(LogoutEnricherMetrics.MeterName);
        _logouts = meter.CreateCounter<long>("logoutenricher.reconciliation.logouts", "{session}", "Sessions Keycloak ended silently that were logged out, by issuer, client and reason.");
        _runs = meter.CreateCounter<long>("logoutenricher.reconciliation.runs", "{run}", "Expiry event polls and session reconciliations, by kind and outcome (decided, no_decision).");
    }

    public void SessionEnded(ConfiguredClient client, string reason) =>
        _logouts.Add(1, new TagList { { "issuer", client.Issuer }, { "client", client.ClientId }, { "reason", reason } });

    /// <param name="kind">events or sessions.</param>
    /// <param name="outcome">decided or no_decision.</param>
    public void Ran(string kind, string outcome) => _runs.Add(1, new TagList { { "kind", kind }, { "outcome", outcome } });
}
