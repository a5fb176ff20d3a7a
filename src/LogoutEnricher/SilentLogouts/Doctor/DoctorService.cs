using LogoutEnricher.Diagnostics;
using LogoutEnricher.SilentLogouts.KeycloakApi;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Doctor;

/// <summary>
/// Runs the doctor once the host has started and then every <see cref="DoctorOptions.Interval"/>. A new finding is
/// logged once as a warning with its own event id; nothing here can stop the host or fail readiness.
/// </summary>
internal sealed partial class DoctorService(
    KeycloakAdminRealms realms, ConfigDoctor doctor, DoctorFindings findings, IOptions<DoctorOptions> options, TimeProvider timeProvider, ILogger<DoctorService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled || realms.All.Count == 0)
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken);
                await Task.Delay(options.Value.Interval, timeProvider, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        foreach (var realm in realms.All)
        {
            var found = await doctor.CheckAsync(realm, cancellationToken);
            foreach (var finding in findings.Replace(realm.Settings.Issuer, found, timeProvider.GetUtcNow()))
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
