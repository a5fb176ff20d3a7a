using System.Globalization;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>
/// The express application of keycloak-connect-app/ (Keycloak's own adapter, unchanged) as a child process on a loopback
/// port. Its keycloak.json reads the realm, auth-server-url, client id and secret from environment variables (a
/// keycloak-connect feature), which is all the tests set. The folder is <c>LOGOUTENRICHER_E2E_KEYCLOAK_CONNECT_DIR</c>
/// when set (by .ci/services/keycloak-connect-app.sh), else the source folder.
/// </summary>
internal sealed class KeycloakConnectApp : IAsyncDisposable
{
    public const string ClientId = "node-app";
    public const string ClientSecret = "node-app-secret";

    private readonly NodeProcess _node;

    private KeycloakConnectApp(NodeProcess node, int port)
    {
        _node = node;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>The application, and its Admin URL: keycloak-connect answers <c>/k_logout</c> and <c>/k_push_not_before</c> at its root.</summary>
    public Uri BaseUrl { get; }

    /// <summary>What the adapter printed on stderr (its reasons for refusing a <c>k_logout</c> or a grant).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Errors => _node.Errors;

    /// <summary>Why the application cannot run here, or null when it can.</summary>
    public static string? Unavailable() => NodeProcess.Unavailable(Folder(), "keycloak-connect", ".ci/services/keycloak-connect-app.sh");

    /// <param name="authServerUrl">keycloak.json's <c>auth-server-url</c>: Keycloak's public URL, where LogoutEnricher answers.</param>
    public static async Task<KeycloakConnectApp> StartAsync(int port, Uri authServerUrl)
    {
        var node = await NodeProcess.StartAsync("keycloak-connect-app", Folder(), ["app.js", port.ToString(CultureInfo.InvariantCulture)], new Dictionary<string, string>
        {
            ["KEYCLOAK_AUTH_SERVER_URL"] = authServerUrl.ToString().TrimEnd('/'),
            ["KEYCLOAK_REALM"] = "demo",
            ["KEYCLOAK_CLIENT_ID"] = ClientId,
            ["KEYCLOAK_CLIENT_SECRET"] = ClientSecret,
        });
        return new KeycloakConnectApp(node, port);
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();

    private static string Folder() =>
        Environment.GetEnvironmentVariable("LOGOUTENRICHER_E2E_KEYCLOAK_CONNECT_DIR") is { Length: > 0 } folder
            ? folder
            : Requirement.RepositoryPath("tests", "LogoutEnricher.EndToEndTests", "keycloak-connect-app");
}
