using LogoutEnricher.Testing;

namespace LogoutEnricher.ProcessTests;

/// <summary>The crash tests' sidecar: Queued mode on a SQLite file, wired to the fake provider and one application.</summary>
internal static class QueuedSidecar
{
    /// <summary>
    /// The environment of a sidecar in Queued mode on a SQLite file in <paramref name="dataDirectory"/>, with fast
    /// retries; <paramref name="delivery"/> adds or overrides <c>LogoutEnricher__Delivery__*</c> keys (e.g.
    /// <c>Timeout</c>, <c>LeaseDuration</c>).
    /// </summary>
    public static Dictionary<string, string> Settings(FakeKeycloak keycloak, FakeApplication app, string dataDirectory,
        Dictionary<string, string> delivery)
    {
        var settings = new Dictionary<string, string>
        {
            ["LogoutEnricher__Upstream__BaseUrl"] = keycloak.BaseUrl.ToString(),
            ["LogoutEnricher__Issuers__demo__Issuer"] = keycloak.Issuer,
            [$"LogoutEnricher__Issuers__demo__Clients__{The.ClientId}__LogoutUrl"] = app.LogoutUrl,
            ["LogoutEnricher__Storage__Sqlite__Path"] = Path.Combine(dataDirectory, "logoutenricher.db"),
            ["LogoutEnricher__Delivery__Mode"] = "Queued",
            ["LogoutEnricher__Delivery__InitialBackoff"] = "00:00:00.200",
            ["LogoutEnricher__Delivery__MaxBackoff"] = "00:00:01",
            ["LogoutEnricher__Delivery__PollInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in delivery)
        {
            settings["LogoutEnricher__Delivery__" + key] = value;
        }

        return settings;
    }
}
