using LogoutEnricher.Hosting.BackgroundWork;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.AdminUrl;

public static class FanOutExtensions
{
    /// <summary>Registers the fan-out worker, its metrics and options (section <c>LogoutEnricher:FanOut</c>).</summary>
    public static IServiceCollection AddFanOut(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FanOutOptions>().Bind(configuration.GetSection(FanOutOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FanOutOptions>, FanOutOptionsValidator>();
        services.AddSingleton<WakeSignal<FanOutWorker>>();
        services.AddSingleton<FanOutMetrics>();
        services.AddSingleton<Operations.OperatorConsole.IConsoleSection, FanOutConsoleSection>();
        services.AddHostedService<FanOutWorker>();
        return services;
    }
}
