using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;

namespace LogoutEnricher.Hosting.Security;

internal static class KeyRingServiceCollectionExtensions
{
    /// <summary>Data Protection's application name: every replica must use the same one to read each other's payloads.</summary>
    public const string ApplicationName = "LogoutEnricher";

    /// <summary>
    /// ASP.NET Core Data Protection (the console's cookie, antiforgery tokens and OIDC state) with its key ring in the
    /// configured store and its keys encrypted with the storage encryption key (ADR 0020): replicas of one store need
    /// no session affinity, and a restart signs nobody out.
    /// </summary>
    public static IServiceCollection AddSharedKeyRing(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<StoreXmlRepository>();
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, provider) =>
        {
            options.XmlRepository = provider.GetRequiredService<StoreXmlRepository>();
            options.XmlEncryptor = new SecretXmlEncryptor(provider.GetRequiredService<SecretProtector>());
        });
        return services;
    }
}
