using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.Providers;

/// <summary>A configured application of one issuer, in the shape the hot paths use.</summary>
internal sealed record ConfiguredClient(
    string Issuer, string ClientId, string LogoutUrl, LogoutFormat Format, FrozenSet<string> SessionHosts, string? FallbackLogoutUrl = null)
{
    /// <summary>Whether the logout URL holds <c>${application.session.host}</c>: one delivery per captured host.</summary>
    public bool IsPerNode => LogoutUrl.Contains(SessionHostPlaceholder.Token, StringComparison.Ordinal);

    /// <summary>
    /// The URL of a delivery to <paramref name="host"/> (null: the ids without a host), or null when there is none.
    /// Only configuration decides where a logout goes; the host must be on the allow-list.
    /// </summary>
    public string? UrlFor(string? host) => (host, IsPerNode) switch
    {
        (null, false) => LogoutUrl,
        (null, true) => FallbackLogoutUrl,
        (_, true) when AllowsSessionHost(host) => LogoutUrl.Replace(SessionHostPlaceholder.Token, host, StringComparison.Ordinal),
        _ => null,
    };

    /// <summary>Whether a captured <c>client_session_host</c> may be kept and contacted (host or host:port, case-insensitive).</summary>
    public bool AllowsSessionHost(string host) => SessionHosts.Contains(host);
}

/// <summary>A configured issuer with its clients.</summary>
internal sealed record ConfiguredIssuer(string Name, string Issuer, Uri MetadataAddress, FrozenDictionary<string, ConfiguredClient> Clients);

/// <summary>
/// The configured issuers and clients, built once from the options so that lookups on every request are a
/// frozen-dictionary probe.
/// </summary>
internal sealed class IssuerRegistry
{
    public IssuerRegistry(IOptions<IssuersOptions> options)
    {
        Issuers = options.Value
            .Select(pair => Build(pair.Key, pair.Value))
            .ToFrozenDictionary(i => i.Issuer, StringComparer.Ordinal);
    }

    public FrozenDictionary<string, ConfiguredIssuer> Issuers { get; }

    // Note: null-safe, since the names come from requests (JSON bodies bind a missing member as null).
    public ConfiguredIssuer? FindIssuer(string? issuer) => issuer is null ? null : Issuers.GetValueOrDefault(issuer);

    public ConfiguredClient? FindClient(string? issuer, string? clientId) =>
        issuer is not null && clientId is not null && Issuers.TryGetValue(issuer, out var configured) ? configured.Clients.GetValueOrDefault(clientId) : null;

    private static ConfiguredIssuer Build(string name, IssuerOptions options)
    {
        var metadata = options.MetadataAddress ?? new Uri(options.Issuer.TrimEnd('/') + "/.well-known/openid-configuration");
        var clients = options.Clients
            .Select(pair => new ConfiguredClient(
                options.Issuer,
                string.IsNullOrEmpty(pair.Value.ClientId) ? pair.Key : pair.Value.ClientId,
                pair.Value.LogoutUrl,
                pair.Value.Format,
                pair.Value.SessionHosts.ToFrozenSet(StringComparer.OrdinalIgnoreCase),
                string.IsNullOrEmpty(pair.Value.FallbackLogoutUrl) ? null : pair.Value.FallbackLogoutUrl))
            .ToFrozenDictionary(c => c.ClientId, StringComparer.Ordinal);
        return new ConfiguredIssuer(name, options.Issuer, metadata, clients);
    }
}
