using LogoutEnricher.Operations.AdminApi;
using LogoutEnricher.Operations.OperatorConsole;

namespace LogoutEnricher.Operations.Home;

/// <summary>
/// What the home page tells a newcomer beyond readiness: where the documentation is, and while the admin API or the
/// console is off, which settings turn them on (after the first <c>dotnet run</c> the console is a bare 404 otherwise).
/// </summary>
internal static class HomeGuide
{
    /// <summary>The documentation pages, by their path in the repository (the binary serves none of them).</summary>
    public static readonly IReadOnlyList<(string Page, string Text)> Documentation =
    [
        ("README.md", "what LogoutEnricher is, the demo, the two commands, the way to a real Keycloak"),
        ("docs/keycloak-setup.md", "Keycloak client settings, sign-out-all, the realm key set, silent logouts"),
        ("docs/configuration.md", "every setting with its default"),
        ("docs/deployment.md", "front door or ingress, storage backends, containers"),
        ("docs/kubernetes.md", "the kustomize base and overlays, next to the Keycloak Operator"),
        ("docs/operations.md", "endpoints, health, metrics, log events, admin API, operator console"),
        ("docs/applications.md", "what an application sends and receives"),
        ("docs/security.md", "what is trusted and stored, keys and their rotation"),
    ];

    /// <summary>How to turn the admin API and the console on, or null when both are on.</summary>
    public static string? TurnOnAdmin(AdminOptions admin, OperatorConsoleOptions console)
    {
        if (!admin.Enabled)
        {
            return "The admin API and the operator console are off. Turn them on with LogoutEnricher:Admin:Enabled=true "
                + "(env LogoutEnricher__Admin__Enabled=true) and a credential: LogoutEnricher:Admin:ApiKeyHashes:0 = the "
                + "lowercase hex SHA-256 of an API key (key=$(openssl rand -base64 32); printf %s \"$key\" | sha256sum), or "
                + "LogoutEnricher:Admin:Bearer:Issuer, :Audience and :RequiredRole. The console is then at "
                + ConsolePath(admin) + " (LogoutEnricher:Console:Enabled, default true). See docs/configuration.md.";
        }

        return console.Enabled
            ? null
            : "The operator console is off: LogoutEnricher:Console:Enabled is false. Set it to true (env "
                + "LogoutEnricher__Console__Enabled=true) to serve it at " + ConsolePath(admin) + ".";
    }

    public static bool ConsoleOn(AdminOptions admin, OperatorConsoleOptions console) => admin.Enabled && console.Enabled;

    public static string ConsolePath(AdminOptions admin) => admin.PathPrefix.TrimEnd('/') + "/console";
}
