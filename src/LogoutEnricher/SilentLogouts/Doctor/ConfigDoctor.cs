using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.SilentLogouts.KeycloakApi;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Doctor;

/// <summary>
/// Reads each configured client of one realm and its event settings, and lists what silently breaks single logout.
/// Read-only: it never changes Keycloak.
/// </summary>
internal sealed class ConfigDoctor(IssuerRegistry registry, IOptions<DoctorOptions> options)
{
    private const string SessionRequiredAttribute = "backchannel.logout.session.required";
    private const string BackChannelUrlAttribute = "backchannel.logout.url";

    public async Task<IReadOnlyList<ConfigFinding>> CheckAsync(KeycloakRealmAdmin realm, CancellationToken cancellationToken)
    {
        var issuer = realm.Settings.Issuer;
        var findings = new List<ConfigFinding>();
        try
        {
            var events = await realm.GetEventsConfigAsync(cancellationToken);
            if (!events.EventsEnabled || events.EnabledEventTypes?.Contains(Reconciliation.ExpiryEventPoller.EventType) != true)
            {
                Add(findings, issuer, Findings.RealmWide, Findings.ExpiryEventsNotStored,
                    $"Realm '{realm.Settings.Realm}' does not store USER_SESSION_DELETED events",
                    "expired sessions are found only by the slower reconciliation",
                    "Realm settings > Events > User events settings: turn Save events on and add USER_SESSION_DELETED to the saved types (Keycloak 26.5+).");
            }

            foreach (var client in registry.FindIssuer(issuer)?.Clients.Values ?? Enumerable.Empty<ConfiguredClient>())
            {
                if (await realm.FindClientAsync(client.ClientId, cancellationToken) is not { } keycloakClient)
                {
                    Add(findings, issuer, client.ClientId, Findings.ClientUnknown,
                        $"Keycloak realm '{realm.Settings.Realm}' has no client '{client.ClientId}'", null,
                        "fix the client id in LogoutEnricher's configuration or create the client (Clients > Create client).");
                    continue;
                }

                CheckClient(findings, issuer, client.ClientId, keycloakClient);
            }
        }
        catch (KeycloakAdminException exception)
        {
            Add(findings, issuer, Findings.RealmWide, Findings.AdminApiUnavailable,
                $"The client settings of realm '{realm.Settings.Realm}' could not be read", "they were not checked", exception.Message);
        }

        return findings;
    }

    private void CheckClient(List<ConfigFinding> findings, string issuer, string clientId, ClientRepresentation client)
    {
        var where = $"Clients > {clientId} > Settings > Logout settings";
        if (client.FrontchannelLogout == true)
        {
            Add(findings, issuer, clientId, Findings.FrontChannelLogoutOn,
                $"Client '{clientId}' has Front channel logout ON", "Keycloak sends it no back-channel logout at all", $"{where}: turn Front channel logout off.");
        }

        var baseUrl = options.Value.PublicBaseUrl?.ToString().TrimEnd('/');
        var expected = $"{baseUrl ?? "{LogoutEnricher}"}/backchannel-logout/{Uri.EscapeDataString(clientId)}";
        var url = client.Attribute(BackChannelUrlAttribute);
        if (string.IsNullOrEmpty(url) || (baseUrl is not null && !PointsAtLogoutEnricher(url, baseUrl)))
        {
            Add(findings, issuer, clientId, Findings.BackChannelUrlNotLogoutEnricher,
                $"Client '{clientId}' has Backchannel logout URL '{url}', not LogoutEnricher", "its logouts never reach LogoutEnricher",
                $"{where}: set Backchannel logout URL to {expected}.");
        }
        else if (baseUrl is not null && OtherClientOf(url, baseUrl) is { } other && other != clientId)
        {
            Add(findings, issuer, clientId, Findings.BackChannelUrlOfOtherClient,
                $"Client '{clientId}' has the Backchannel logout URL of client '{other}'", "LogoutEnricher rejects its logout tokens (aud mismatch)",
                $"{where}: set Backchannel logout URL to {expected}.");
        }

        if (client.Attribute(SessionRequiredAttribute) != "true")
        {
            Add(findings, issuer, clientId, Findings.SessionNotRequired,
                $"Client '{clientId}' has Backchannel logout session required OFF", "logout tokens carry no sid and every session of the user is logged out",
                $"{where}: turn Backchannel logout session required on.");
        }

        var adminUrl = baseUrl + options.Value.AdminUrlPath.Replace("{clientId}", Uri.EscapeDataString(clientId), StringComparison.Ordinal);
        if (string.IsNullOrEmpty(client.AdminUrl) || (baseUrl is not null && !SameUrl(client.AdminUrl, adminUrl)))
        {
            Add(findings, issuer, clientId, Findings.AdminUrlNotLogoutEnricher,
                $"Client '{clientId}' has Admin URL '{client.AdminUrl}', not LogoutEnricher", "realm sign-out-all and push revocation never reach its application",
                $"Clients > {clientId} > Settings > Access settings: set Admin URL to {(baseUrl is null ? "LogoutEnricher's " + options.Value.AdminUrlPath : adminUrl)}.");
        }
    }

    private static bool PointsAtLogoutEnricher(string url, string baseUrl) =>
        SameUrl(url, baseUrl + "/backchannel-logout") || OtherClientOf(url, baseUrl) is not null;

    /// <summary>The client id of a <c>{base}/backchannel-logout/{clientId}</c> URL, or null.</summary>
    private static string? OtherClientOf(string url, string baseUrl)
    {
        var prefix = baseUrl + "/backchannel-logout/";
        return url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && url.Length > prefix.Length
            ? Uri.UnescapeDataString(url[prefix.Length..].TrimEnd('/'))
            : null;
    }

    private static bool SameUrl(string left, string right) => string.Equals(left.TrimEnd('/'), right.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static void Add(List<ConfigFinding> findings, string issuer, string client, string finding, string found, string? breaks, string fix) =>
        findings.Add(new ConfigFinding(issuer, client, finding, Findings.EventIdOf(finding), found, breaks, fix));
}
