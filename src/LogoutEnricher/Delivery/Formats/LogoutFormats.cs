using System.Collections.Frozen;
using LogoutEnricher.Protocol.Providers;

namespace LogoutEnricher.Delivery.Formats;

/// <summary>The registered <see cref="ILogoutFormat"/>s, one per <see cref="LogoutFormat"/> value.</summary>
internal sealed class LogoutFormats(IEnumerable<ILogoutFormat> formats)
{
    private readonly FrozenDictionary<LogoutFormat, ILogoutFormat> _formats = formats.ToFrozenDictionary(f => f.Format);

    /// <exception cref="InvalidOperationException">No format is registered for the client's; a composition error.</exception>
    public ILogoutFormat For(ConfiguredClient client) =>
        _formats.TryGetValue(client.Format, out var format)
            ? format
            : throw new InvalidOperationException($"No delivery format is registered for {client.Format}.");

    public static IServiceCollection Register(IServiceCollection services)
    {
        services.AddSingleton<BackChannelFormat>();
        services.AddSingleton<ILogoutFormat>(s => s.GetRequiredService<BackChannelFormat>());
        services.AddSingleton<KeycloakAdminFormat>();
        services.AddSingleton<ILogoutFormat>(s => s.GetRequiredService<KeycloakAdminFormat>());
        services.AddSingleton<LogoutFormats>();
        return services;
    }
}
