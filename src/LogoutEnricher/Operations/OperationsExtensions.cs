using LogoutEnricher.Hosting;
using LogoutEnricher.Hosting.Hardening;
using LogoutEnricher.Operations.AdminApi;
using LogoutEnricher.Operations.OperatorConsole;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Operations.Trail;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Operations;

/// <summary>What makes LogoutEnricher operable at an edge: telemetry, audit, hardening, key rotation, admin API.</summary>
internal static class OperationsExtensions
{
    public static IServiceCollection AddLogoutEnricherOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLogoutEnricherTelemetry(configuration);
        services.Configure<KestrelServerOptions>(RequestLimits.ConfigureKestrel);
        services.AddLogoutEnricherRateLimiting(configuration);
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        services.AddSingleton<CredentialFailureLimiter>();
        services.AddSingleton<AdminAuthentication>();
        services.AddProblemDetails();
        services.AddLogoutTrail();
        services.AddOperatorConsole(configuration);
        return services;
    }

    /// <summary>The operational endpoints: metrics and the admin API.</summary>
    public static IEndpointRouteBuilder MapLogoutEnricherOperations(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapLogoutEnricherTelemetry();
        endpoints.MapAdminApi();
        endpoints.MapOperatorConsole();
        return endpoints;
    }
}
