using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LogoutEnricher.Storage.Hosting;

/// <summary>How a backend asks for its initializer to run at startup.</summary>
internal static class StorageInitializerServiceCollectionExtensions
{
    /// <summary>
    /// Runs the registered <typeparamref name="TInitializer"/> (resolved as itself, so callers that need it without a
    /// host get the same instance) before the host starts. Registering the same backend twice runs it once.
    /// </summary>
    public static IServiceCollection AddStorageInitializer<TInitializer>(this IServiceCollection services)
        where TInitializer : class, IStorageInitializer
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStorageInitializer, TInitializer>(
            provider => provider.GetRequiredService<TInitializer>()));
        services.AddHostedService<StorageInitializerHostedService>();
        return services;
    }
}
