using System.Collections.Concurrent;
using LogoutEnricher.Delivery.Signing;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting;
using LogoutEnricher.Protocol;
using LogoutEnricher.Protocol.BackChannelLogout;
using LogoutEnricher.Protocol.Capture;
using LogoutEnricher.Protocol.Providers;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Protocol.KeySets;

/// <summary>
/// <c>GET /realms/{realm}/protocol/openid-connect/certs</c>: Keycloak's key set, unchanged, plus LogoutEnricher's
/// published keys. Keycloak's set comes through the provider key cache, re-read at most every
/// <c>RealmKeySet:RefreshInterval</c>; while Keycloak is down the last known set is served (logged once per outage).
/// </summary>
internal sealed partial class RealmKeySetEndpoint(
    IssuerRegistry registry,
    ProviderKeyCache providerKeys,
    SigningKeyProvider signingKeys,
    TokenEndpointForwarder forwarder,
    KeyFetchMarker keyFetchMarker,
    IOptions<RealmKeySetOptions> realmKeySet,
    IOptions<UpstreamOptions> upstreamOptions,
    TimeProvider timeProvider,
    ILogger<RealmKeySetEndpoint> logger)
{
    private readonly ConcurrentDictionary<string, bool> _down = new(StringComparer.Ordinal);
    private volatile Merged? _last;

    /// <summary>Whether any configured issuer serves the merged set, so whether the route is mapped at all.</summary>
    public bool AnyEnabled => registry.Issuers.Values.Any(IsEnabled);

    public async Task HandleAsync(HttpContext context, string realm)
    {
        var issuer = Resolve(realm, context.Request);
        if (context.Request.Headers.TryGetValue(ProviderKeyCache.KeyFetchHeader, out var marker))
        {
            if (keyFetchMarker.IsGenuine(marker) && issuer is not null)
            {
                await AnswerKeyFetchAsync(context);
                return;
            }

            // Note: not LogoutEnricher's own key read (or for a realm it does not serve): the request is answered like
            // any other, and the header is not passed on to the provider as if LogoutEnricher had sent it.
            context.Request.Headers.Remove(ProviderKeyCache.KeyFetchHeader);
        }

        if (issuer is null || !IsEnabled(issuer))
        {
            if (upstreamOptions.Value is { FrontDoor: true, BaseUrl: { } upstream })
            {
                // Note: not ours to merge (another realm, or turned off): Keycloak answers, as for any other path.
                await forwarder.ForwardOtherAsync(context, upstream);
                return;
            }

            await OAuthErrors.WriteAsync(context.Response, StatusCodes.Status404NotFound, "not_found", "This realm's key set is not served here.");
            return;
        }

        var settings = realmKeySet.Value;
        var (keys, staleReason) = await providerKeys.GetKeySetAsync(issuer, settings.RefreshInterval, context.RequestAborted);
        NoteAvailability(issuer.Issuer, staleReason);
        if (keys?.Document is null)
        {
            // Note: serving only LogoutEnricher's keys would let an adapter cache a set without the realm's keys.
            context.Response.Headers.RetryAfter = "10";
            await OAuthErrors.WriteAsync(context.Response, StatusCodes.Status503ServiceUnavailable, OAuthErrors.TemporarilyUnavailable,
                "The realm's key set could not be read from the provider yet.");
            return;
        }

        var own = signingKeys.JwksDocument;
        var merged = _last is { } last && ReferenceEquals(last.Keys, keys) && ReferenceEquals(last.Own, own) ? last : Merge(issuer, keys, own);
        context.Response.Headers.CacheControl = RealmKeySetDocument.CacheControl(keys.CacheControl, timeProvider.GetUtcNow() - keys.FetchedAt, settings.MaxCacheAge);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(merged.Document, context.RequestAborted);
    }

    /// <summary>
    /// A LogoutEnricher (this one or another replica) reading the issuer's keys reached this endpoint: the provider's
    /// <c>jwks_uri</c> points back at LogoutEnricher. Merging would wait on the very read in progress and would teach
    /// the issuer's key cache LogoutEnricher's own keys, so Keycloak's set is passed through unchanged.
    /// </summary>
    private async Task AnswerKeyFetchAsync(HttpContext context)
    {
        if (upstreamOptions.Value.BaseUrl is { } upstream)
        {
            await forwarder.ForwardOtherAsync(context, upstream);
            return;
        }

        LogKeyFetchLooped(logger, context.Request.Path);
        await OAuthErrors.WriteAsync(context.Response, StatusCodes.Status508LoopDetected, "loop_detected",
            "The provider's jwks_uri leads back to LogoutEnricher: point the issuer's MetadataAddress at the provider itself.");
    }

    private bool IsEnabled(ConfiguredIssuer issuer) =>
        realmKeySet.Value.Issuers.TryGetValue(issuer.Name, out var enabled) ? enabled : realmKeySet.Value.Enabled ?? upstreamOptions.Value.FrontDoor;

    /// <summary>
    /// The configured issuer of this realm: the only one whose issuer ends in <c>/realms/{realm}</c>, or, when several
    /// do (one realm name at several Keycloaks), the one at the host the request came to.
    /// </summary>
    private ConfiguredIssuer? Resolve(string realm, HttpRequest request)
    {
        var suffix = "/realms/" + realm;
        var candidates = registry.Issuers.Values.Where(i => i.Issuer.TrimEnd('/').EndsWith(suffix, StringComparison.Ordinal)).ToList();
        return candidates.Count <= 1
            ? candidates.FirstOrDefault()
            : candidates.FirstOrDefault(i => Uri.TryCreate(i.Issuer, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    private Merged Merge(ConfiguredIssuer issuer, IssuerKeys keys, byte[] own)
    {
        var document = RealmKeySetDocument.Merge(keys.Document!, own, out var collisions);
        foreach (var kid in collisions)
        {
            LogKeyIdCollided(logger, issuer.Issuer, kid);
        }

        var merged = new Merged(keys, own, document);
        _last = merged;
        return merged;
    }

    private void NoteAvailability(string issuer, string? staleReason)
    {
        if (staleReason is not null)
        {
            if (_down.TryAdd(issuer, true))
            {
                LogProviderKeySetUnavailable(logger, issuer, staleReason);
            }
        }
        else if (_down.TryRemove(issuer, out _))
        {
            LogProviderKeySetRecovered(logger, issuer);
        }
    }

    private sealed record Merged(IssuerKeys Keys, byte[] Own, byte[] Document);

    [LoggerMessage(EventId = EventIds.RealmKeySetServedStale, EventName = nameof(EventIds.RealmKeySetServedStale), Level = LogLevel.Warning,
        Message = "The key set of {Issuer} could not be re-read; the realm certs endpoint serves the last known set until it can: {Reason}")]
    private static partial void LogProviderKeySetUnavailable(ILogger logger, string issuer, string reason);

    [LoggerMessage(EventId = EventIds.RealmKeySetRecovered, EventName = nameof(EventIds.RealmKeySetRecovered), Level = LogLevel.Information,
        Message = "The key set of {Issuer} is read again; the realm certs endpoint serves the current set")]
    private static partial void LogProviderKeySetRecovered(ILogger logger, string issuer);

    [LoggerMessage(EventId = EventIds.RealmKeySetKeyIdCollided, EventName = nameof(EventIds.RealmKeySetKeyIdCollided), Level = LogLevel.Error,
        Message = "Keycloak's key set of {Issuer} already has a key with LogoutEnricher's kid {KeyId}; LogoutEnricher's key is left out of the realm key set")]
    private static partial void LogKeyIdCollided(ILogger logger, string issuer, string keyId);

    [LoggerMessage(EventId = EventIds.RealmKeySetKeyFetchLooped, EventName = nameof(EventIds.RealmKeySetKeyFetchLooped), Level = LogLevel.Error,
        Message = "LogoutEnricher's own key read reached {Path}: the provider's jwks_uri leads back to LogoutEnricher and there is no Upstream:BaseUrl to pass it to; point the issuer's MetadataAddress at the provider itself")]
    private static partial void LogKeyFetchLooped(ILogger logger, string path);
}
