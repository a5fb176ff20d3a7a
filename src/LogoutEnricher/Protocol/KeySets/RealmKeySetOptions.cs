using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.KeySets;

/// <summary>
/// The realm key set at Keycloak's own certs URL (<c>/realms/{realm}/protocol/openid-connect/certs</c>): Keycloak's
/// keys, unchanged, plus LogoutEnricher's published signing keys, so that adapters that only read the realm key set
/// verify LogoutEnricher's tokens and <c>LogoutAction</c>s. Section <c>LogoutEnricher:RealmKeySet</c>.
/// </summary>
public sealed class RealmKeySetOptions
{
    public const string SectionName = "LogoutEnricher:RealmKeySet";

    /// <summary>
    /// Whether the merged key set is served. Default: null, which means on when <c>Upstream:FrontDoor</c> is true and
    /// off otherwise; set true for an ingress that routes the certs path to LogoutEnricher, false to keep Keycloak's
    /// key set untouched (the certs path is then forwarded to Keycloak in front-door mode).
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>
    /// Per issuer overrides, by the issuer's name under <c>LogoutEnricher:Issuers</c> (true or false). Default: none.
    /// </summary>
    public Dictionary<string, bool> Issuers { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How old the copy of Keycloak's key set may be when a request is answered; older, it is fetched again (one fetch
    /// for all waiting requests), so a Keycloak key rotation shows up within this time. Default: 10 s.
    /// </summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest <c>Cache-Control: max-age</c> the merged set is given (Keycloak's own cache header and the age of
    /// the copy can only shorten it). Default: 5 min, the max-age of <c>/.well-known/jwks.json</c>.
    /// </summary>
    public TimeSpan MaxCacheAge { get; set; } = TimeSpan.FromMinutes(5);
}

internal sealed class RealmKeySetOptionsValidator : IValidateOptions<RealmKeySetOptions>
{
    public ValidateOptionsResult Validate(string? name, RealmKeySetOptions options)
    {
        var failures = new List<string>();
        if (options.RefreshInterval <= TimeSpan.Zero)
        {
            failures.Add($"{RealmKeySetOptions.SectionName}:RefreshInterval is {options.RefreshInterval}: set a positive interval, e.g. 00:00:10.");
        }

        if (options.MaxCacheAge < TimeSpan.Zero)
        {
            failures.Add($"{RealmKeySetOptions.SectionName}:MaxCacheAge is {options.MaxCacheAge}: set 00:00:00 (no caching) or a positive age, e.g. 00:05:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
