using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting;

/// <summary>
/// Cross-field rules, checked at startup. Each failure names the configuration key to change.
/// </summary>
internal sealed class LogoutEnricherOptionsValidator : IValidateOptions<LogoutEnricherOptions>
{
    private const string Root = LogoutEnricherOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, LogoutEnricherOptions options)
    {
        var failures = new List<string>();

        if (options.Issuers.Count == 0)
        {
            failures.Add($"{Root}:Issuers is empty: configure at least one issuer with its clients, e.g. {Root}:Issuers:demo:Issuer = http://keycloak:8080/realms/demo.");
        }

        foreach (var (issuerName, issuer) in options.Issuers)
        {
            ValidateIssuer($"{Root}:Issuers:{issuerName}", issuer, options, failures);
        }

        var duplicates = options.Issuers.Values.GroupBy(i => i.Issuer, StringComparer.Ordinal).Where(g => g.Count() > 1 && g.Key.Length > 0);
        failures.AddRange(duplicates.Select(g => $"{Root}:Issuers lists the issuer '{g.Key}' more than once; each issuer may appear once."));

        foreach (var algorithm in options.Logout.AllowedAlgorithms.Where(a => !SupportedAlgorithms.IsAsymmetric(a)))
        {
            failures.Add($"{Root}:Logout:AllowedAlgorithms contains '{algorithm}': only asymmetric algorithms ({string.Join(", ", SupportedAlgorithms.Asymmetric)}) can be verified with a provider's published keys.");
        }

        if (!SupportedAlgorithms.Signing.Contains(options.Signing.Algorithm))
        {
            failures.Add($"{Root}:Signing:Algorithm is '{options.Signing.Algorithm}': use one of {string.Join(", ", SupportedAlgorithms.Signing)}.");
        }

        if (options.Signing.KeyFile is { Length: > 0 } keyFile && !File.Exists(keyFile))
        {
            failures.Add($"{Root}:Signing:KeyFile '{keyFile}' does not exist: point it at a PEM private key or remove it to let LogoutEnricher generate one.");
        }

        RequirePositive(failures, "Signing:TokenLifetime", options.Signing.TokenLifetime);
        ValidateDelivery(options.Delivery, failures);
        RequirePositive(failures, "Capture:DefaultSessionLifetime", options.Capture.DefaultSessionLifetime);
        RequirePositive(failures, "Capture:MaxSessionLifetime", options.Capture.MaxSessionLifetime);
        RequirePositive(failures, "Storage:PurgeInterval", options.Storage.PurgeInterval);
        RequirePositive(failures, "Upstream:Timeout", options.Upstream.Timeout);
        if (options.Logout.MaxRequestBodyBytes < 1024)
        {
            failures.Add($"{Root}:Logout:MaxRequestBodyBytes is {options.Logout.MaxRequestBodyBytes}: a logout token needs at least 1024 bytes.");
        }

        if (options.Storage.Provider == StorageProvider.Sqlite && string.IsNullOrWhiteSpace(options.Storage.Sqlite.Path))
        {
            failures.Add($"{Root}:Storage:Provider is Sqlite but {Root}:Storage:Sqlite:Path is empty: set the database file, e.g. data/logoutenricher.db.");
        }

        if (options.Storage.EncryptionKey is { Length: > 0 } key && !IsValidKey(key))
        {
            failures.Add($"{Root}:Storage:EncryptionKey is not the base64 of 32 bytes: generate one with 'openssl rand -base64 32'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateIssuer(string path, IssuerOptions issuer, LogoutEnricherOptions options, List<string> failures)
    {
        if (!Uri.TryCreate(issuer.Issuer, UriKind.Absolute, out _))
        {
            failures.Add($"{path}:Issuer is '{issuer.Issuer}': set the provider's exact issuer URL, e.g. http://keycloak:8080/realms/demo.");
        }

        if (issuer.TokenEndpoint is not null && string.IsNullOrWhiteSpace(issuer.TokenPath))
        {
            failures.Add($"{path}:TokenPath is empty while {path}:TokenEndpoint is set: give the local path that forwards to it, e.g. /oidc/token.");
        }

        if (issuer.TokenEndpoint is null && options.Upstream.BaseUrl is null)
        {
            failures.Add($"{path} has no token endpoint: set {Root}:Upstream:BaseUrl to Keycloak's URL, or {path}:TokenEndpoint and {path}:TokenPath.");
        }

        if (issuer.Clients.Count == 0)
        {
            failures.Add($"{path}:Clients is empty: add the applications that receive logouts, e.g. {path}:Clients:my-app:LogoutUrl.");
        }

        foreach (var (clientKey, client) in issuer.Clients)
        {
            var clientPath = $"{path}:Clients:{clientKey}";
            var url = client.LogoutUrl.Replace(SessionHostPlaceholder.Token, "placeholder.invalid", StringComparison.Ordinal);
            if (!IsHttpUrl(url))
            {
                failures.Add($"{clientPath}:LogoutUrl is '{client.LogoutUrl}': set the application's absolute http(s) logout URL.");
            }

            if (client.FallbackLogoutUrl is { Length: > 0 } fallback
                && (fallback.Contains(SessionHostPlaceholder.Token, StringComparison.Ordinal) || !IsHttpUrl(fallback)))
            {
                failures.Add($"{clientPath}:FallbackLogoutUrl is '{fallback}': set an absolute http(s) URL without {SessionHostPlaceholder.Token}, or remove it.");
            }
        }
    }

    private static void ValidateDelivery(DeliveryOptions delivery, List<string> failures)
    {
        RequirePositive(failures, "Delivery:Timeout", delivery.Timeout);
        RequirePositive(failures, "Delivery:InitialBackoff", delivery.InitialBackoff);
        RequirePositive(failures, "Delivery:MaxBackoff", delivery.MaxBackoff);
        RequirePositive(failures, "Delivery:MaxAge", delivery.MaxAge);
        RequirePositive(failures, "Delivery:PollInterval", delivery.PollInterval);
        if (delivery.LeaseDuration < 2 * delivery.Timeout)
        {
            failures.Add($"{Root}:Delivery:LeaseDuration is {delivery.LeaseDuration}: make it at least twice {Root}:Delivery:Timeout ({delivery.Timeout}), or another replica may take an entry over while it is being delivered.");
        }

        if (delivery.MaxParallelismPerClient < 1 || delivery.MaxParallelism < delivery.MaxParallelismPerClient)
        {
            failures.Add($"{Root}:Delivery:MaxParallelismPerClient is {delivery.MaxParallelismPerClient} and {Root}:Delivery:MaxParallelism is {delivery.MaxParallelism}: the first must be at least 1 and at most the second.");
        }
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static void RequirePositive(List<string> failures, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{Root}:{key} is {value}: it must be positive.");
        }
    }

    private static bool IsValidKey(string key)
    {
        Span<byte> buffer = stackalloc byte[64];
        return Convert.TryFromBase64String(key, buffer, out var written) && written == 32;
    }
}
