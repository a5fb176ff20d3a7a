using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Doctor;

internal static class DoctorServiceCollectionExtensions
{
    /// <summary>The configuration doctor (<c>LogoutEnricher:Doctor</c>); idle while no realm has Admin API access.</summary>
    public static IServiceCollection AddDoctor(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DoctorOptions>().Bind(configuration.GetSection(DoctorOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DoctorOptions>, DoctorOptionsValidator>();
        services.AddSingleton<ConfigDoctor>();
        services.AddSingleton<DoctorFindings>();
        services.AddSingleton<Operations.OperatorConsole.IConsoleSection, DoctorConsoleSection>();
        services.AddHostedService<DoctorService>();
        return services;
    }
}
