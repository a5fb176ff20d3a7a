using LogoutEnricher.Protocol.Providers;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.KeycloakApi;

/// <summary>The realms with Admin API access, built once from the options; empty when none is configured.</summary>
internal sealed class KeycloakAdminRealms : IDisposable
{
    private readonly List<IDisposable> _disposables = [];

    public KeycloakAdminRealms(
        IOptions<KeycloakAdminOptions> options, IOptions<IssuersOptions> root, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger("LogoutEnricher.SilentLogouts.KeycloakApi");
        var realms = new List<KeycloakRealmAdmin>();
        foreach (var (name, realm) in options.Value.Realms)
        {
            if (!root.Value.TryGetValue(name, out var issuer))
            {
                continue;
            }

            var settings = new KeycloakRealmSettings(name, issuer, realm, options.Value);
            var transport = new KeycloakAdminTransport(httpClientFactory, options.Value, settings.Realm);
            var token = new ServiceAccountToken(settings, transport, timeProvider, logger);
            _disposables.Add(transport);
            _disposables.Add(token);
            realms.Add(new KeycloakRealmAdmin(settings, transport, token, logger));
        }

        All = realms;
    }

    public IReadOnlyList<KeycloakRealmAdmin> All { get; }

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }
}
