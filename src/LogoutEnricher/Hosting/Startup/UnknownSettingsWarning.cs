using LogoutEnricher.Diagnostics;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting.Startup;

/// <summary>Logs each configuration key that binds to nothing once at startup (with <see cref="UnknownSettingsPolicy.Warn"/>).</summary>
internal sealed partial class UnknownSettingsWarning(UnknownSettingsFinder finder, IOptions<ConfigurationCheckOptions> options, ILogger<UnknownSettingsWarning> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.UnknownSettings == UnknownSettingsPolicy.Warn)
        {
            foreach (var unknown in finder.Find())
            {
                LogUnknownSetting(logger, unknown.Key, unknown.Suggestion ?? "(no setting is near; see docs/configuration.md)");
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = EventIds.UnknownSettingIgnored, EventName = nameof(EventIds.UnknownSettingIgnored), Level = LogLevel.Warning,
        Message = "Configuration key {Key} is not a setting of LogoutEnricher and is ignored; did you mean {Suggestion}? (LogoutEnricher:Configuration:UnknownSettings=Fail refuses to start instead)")]
    private static partial void LogUnknownSetting(ILogger logger, string key, string suggestion);
}
