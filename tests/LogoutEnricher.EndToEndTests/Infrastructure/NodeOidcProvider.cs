using System.Text.Json;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>One client registered at the provider.</summary>
/// <param name="BackChannelLogoutUri">Where its back-channel logouts go, or null for none.</param>
/// <param name="AccessTokenAudience">Gives it JWT access tokens for this audience carrying the account's roles, or null.</param>
internal sealed record ProviderClient(string ClientId, string Secret, Uri AppBaseUrl, Uri? BackChannelLogoutUri, string? AccessTokenAudience = null);

/// <summary>
/// node <c>oidc-provider</c> (provider/provider.mjs) as a child process on a loopback port. The provider folder is
/// <c>LOGOUTENRICHER_E2E_PROVIDER_DIR</c> when set (by .ci/services/oidc-provider.sh), else the source folder.
/// </summary>
internal sealed class NodeOidcProvider : IAsyncDisposable
{
    private readonly NodeProcess _node;

    private NodeOidcProvider(NodeProcess node, int port)
    {
        _node = node;
        Issuer = $"http://127.0.0.1:{port}";
    }

    public string Issuer { get; }

    public Uri TokenEndpoint => new($"{Issuer}/token");

    /// <summary>Why the provider cannot run here, or null when it can.</summary>
    public static string? Unavailable() => NodeProcess.Unavailable(Folder(), "oidc-provider", ".ci/services/oidc-provider.sh");

    /// <param name="roles">Realm roles by account (the login typed at the provider), put into access tokens for an audience.</param>
    public static async Task<NodeOidcProvider> StartAsync(int port, IEnumerable<ProviderClient> clients, IReadOnlyDictionary<string, string[]>? roles = null)
    {
        var registrations = clients.Select(c =>
        {
            var registration = new Dictionary<string, object>
            {
                ["client_id"] = c.ClientId,
                ["client_secret"] = c.Secret,
                ["redirect_uris"] = new[] { new Uri(c.AppBaseUrl, "signin-oidc").ToString() },
                ["post_logout_redirect_uris"] = new[] { new Uri(c.AppBaseUrl, "signout-callback-oidc").ToString() },
            };
            if (c.BackChannelLogoutUri is { } backChannel)
            {
                registration["backchannel_logout_uri"] = backChannel.ToString();
            }

            if (c.AccessTokenAudience is { } audience)
            {
                registration["access_token_audience"] = audience;
            }

            return registration;
        });
        var node = await NodeProcess.StartAsync("oidc-provider", Folder(),
            ["provider.mjs", port.ToString(System.Globalization.CultureInfo.InvariantCulture), JsonSerializer.Serialize(registrations), JsonSerializer.Serialize(roles ?? new Dictionary<string, string[]>())]);
        return new NodeOidcProvider(node, port);
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    private static string Folder() =>
        Environment.GetEnvironmentVariable("LOGOUTENRICHER_E2E_PROVIDER_DIR") is { Length: > 0 } folder
            ? folder
            : Requirement.RepositoryPath("tests", "LogoutEnricher.EndToEndTests", "provider");
}
