using System.Diagnostics.Metrics;
using LogoutEnricher.Operations.Telemetry;

namespace LogoutEnricher.SilentLogouts.Doctor;

/// <summary>
/// The findings of the latest doctor run per realm, for the admin API and the gauge
/// <c>logoutenricher.config_findings{issuer,client,finding}</c> (1 while a finding stands).
/// </summary>
internal sealed class DoctorFindings
{
    private volatile IReadOnlyDictionary<string, IReadOnlyList<ConfigFinding>> _byIssuer = new Dictionary<string, IReadOnlyList<ConfigFinding>>();

    public DoctorFindings(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(LogoutEnricherMetrics.MeterName);
        meter.CreateObservableGauge("logoutenricher.config_findings", () => All.Select(f => new Measurement<long>(1,
            new KeyValuePair<string, object?>("issuer", f.Issuer),
            new KeyValuePair<string, object?>("client", f.Client),
            new KeyValuePair<string, object?>("finding", f.Finding))), "{finding}", "Client and realm settings that silently break single logout, as the doctor last found them.");
    }

    /// <summary>When the doctor last ran, or null before its first run.</summary>
    public DateTimeOffset? CheckedAt { get; private set; }

    public IReadOnlyList<ConfigFinding> All => [.. _byIssuer.Values.SelectMany(f => f)];

    /// <summary>Replaces one realm's findings; returns those that were not there before (to log once).</summary>
    public IReadOnlyList<ConfigFinding> Replace(string issuer, IReadOnlyList<ConfigFinding> findings, DateTimeOffset at)
    {
        var previous = _byIssuer.GetValueOrDefault(issuer) ?? [];
        var updated = new Dictionary<string, IReadOnlyList<ConfigFinding>>(_byIssuer) { [issuer] = findings };
        _byIssuer = updated;
        CheckedAt = at;
        return [.. findings.Where(f => !previous.Any(p => p.Client == f.Client && p.Finding == f.Finding))];
    }
}
