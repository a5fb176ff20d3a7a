using LogoutEnricher.Admin;
using LogoutEnricher.Hardening;
using LogoutEnricher.Security;
using LogoutEnricher.Signing;
using LogoutEnricher.Telemetry;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LogoutEnricher.Hosting;

/// <summary>What makes LogoutEnricher operable at an edge: telemetry, audit, hardening, key rotation, admin API.</summary>
internal static class OperationsExtensions
{
    public static IServiceCollection AddLogoutEnricherOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLogoutEnricherTelemetry(configuration);
        services.Configure<KestrelServerOptions>(RequestLimits.ConfigureKestrel);
        services.AddLogoutEnricherRateLimiting(configuration);
        services.AddOptions<KeyRotationOptions>().BindConfiguration(KeyRotationOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeyRotationOptions>, KeyRotationOptionsValidator>();
        services.AddHostedService<KeyRotationService>();
        services.AddOptions<EncryptionKeyRolloverOptions>().BindConfiguration(EncryptionKeyRolloverOptions.SectionName);
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        services.AddSingleton<AdminAuthentication>();
        services.AddProblemDetails();
        return services;
    }

    /// <summary>Adds the middleware (after routing, which the host inserts first) and the operational endpoints.</summary>
    public static IEndpointRouteBuilder MapLogoutEnricherOperations(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints is IApplicationBuilder app)
        {
            app.UseRequestBodyLimits();
            app.UseRateLimiter();
        }

        endpoints.MapLogoutEnricherTelemetry();
        endpoints.MapAdminApi();
        return endpoints;
    }
}
