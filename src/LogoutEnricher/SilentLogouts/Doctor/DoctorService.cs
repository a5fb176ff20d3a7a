using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.SilentLogouts.KeycloakApi;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Doctor;

/// <summary>
/// Runs the doctor once the host has started and then every <see cref="DoctorOptions.Interval"/>. A new finding is
/// logged once as a warning with its own event id; nothing here can stop the host or fail readiness.
/// </summary>
internal sealed partial class DoctorService(
    KeycloakAdminRealms realms,
    ConfigDoctor doctor,
    DoctorFindings findings,
    IOptions<DoctorOptions> options,
    StoreFailures failures,
    TimeProvider timeProvider,
    ILogger<DoctorService> logger) : PeriodicWorker(failures, timeProvider, logger)
{
    protected override string Name => "doctor";

    protected override string StoreFailureConsequence => "the findings of the last check stay until the next one";

    protected override TimeSpan Interval => options.Value.Interval;

    protected override bool Enabled => options.Value.Enabled && realms.All.Count > 0;

    protected override async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        await CheckAllAsync(cancellationToken);
        return false;
    }

    internal async Task CheckAllAsync(CancellationToken cancellationToken)
    {
        foreach (var realm in realms.All)
        {
            var found = await doctor.CheckAsync(realm, cancellationToken);
            foreach (var finding in findings.Replace(realm.Settings.Issuer, found, Time.GetUtcNow()))
            {
                // Note: one event id per finding (8301-8308, Findings.EventIdOf) so that operators can alert on each.
                logger.Log(LogLevel.Warning, new EventId(finding.EventId, "ConfigFinding_" + finding.Finding),
                    "Configuration finding {Finding} for client {ClientId} of {Issuer}: {Advice}", finding.Finding, finding.Client, finding.Issuer, finding.Advice);
            }

            LogDoctorRan(logger, realm.Settings.Realm, found.Count);
        }
    }

    [LoggerMessage(EventId = EventIds.DoctorRan, EventName = nameof(EventIds.DoctorRan), Level = LogLevel.Information,
        Message = "Configuration doctor checked realm {Realm}: {FindingCount} findings")]
    private static partial void LogDoctorRan(ILogger logger, string realm, int findingCount);
}
