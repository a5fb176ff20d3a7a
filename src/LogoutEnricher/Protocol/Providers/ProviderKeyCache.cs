using System.Collections.Concurrent;
using System.Text.Json;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Protocol.BackChannelLogout;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace LogoutEnricher.Protocol.Providers;

/// <summary>
/// The signing keys of each configured issuer, read from its discovery document and JWKS. Keys come only from the
/// configured issuer's <c>jwks_uri</c>, never from the token (<c>jku</c>, <c>x5u</c> and <c>jwk</c> are ignored).
/// </summary>
internal sealed partial class ProviderKeyCache(
    IssuerRegistry registry,
    IHttpClientFactory httpClientFactory,
    IOptions<LogoutOptions> options,
    TimeProvider timeProvider,
    LogoutEnricherMetrics metrics,
    ILogger<ProviderKeyCache> logger)
{
    public const string HttpClientName = "LogoutEnricher.Protocol.Providers";

    /// <summary>
    /// Sent with every discovery and key-set request. When the provider's <c>jwks_uri</c> leads back to LogoutEnricher
    /// (its public URL is LogoutEnricher, and Keycloak names that URL), the realm key set endpoint sees this header and
    /// answers with Keycloak's own set instead of the merged one: the issuer's keys never include LogoutEnricher's. Its
    /// value is a <see cref="KeyFetchMarker"/>: only LogoutEnricher's own requests are honoured.
    /// </summary>
    public const string KeyFetchHeader = "X-LogoutEnricher-Key-Fetch";

    private readonly ConcurrentDictionary<string, IssuerKeys> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _refreshLocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastUnknownKidRefresh = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastFailure = new(StringComparer.Ordinal);

    /// <summary>Whether the keys of every configured issuer have been loaded at least once (readiness).</summary>
    public bool AllLoaded => registry.Issuers.Keys.All(_keys.ContainsKey);

    /// <summary>
    /// The verification key with this <c>kid</c> (or every signing key when the token names none). An unknown kid
    /// refreshes the JWKS, at most once per <see cref="LogoutOptions.JwksRefreshInterval"/>: a provider that rotated
    /// keys is followed at once, while a flood of made-up kids cannot hammer the provider.
    /// </summary>
    public async Task<IReadOnlyList<JsonWebKey>> GetKeysAsync(ConfiguredIssuer issuer, string? kid, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var current = _keys.GetValueOrDefault(issuer.Issuer);
        if (current is null)
        {
            // Note: nothing to fall back on, so this logout fetches for itself whatever failed before (a pause here
            // would turn a provider that just came up into lost logouts: providers do not resend).
            current = await RefreshAsync(issuer, current, honourFailureBackoff: false, cancellationToken);
        }
        else if (now - current.FetchedAt >= options.Value.JwksCacheDuration)
        {
            try
            {
                current = await RefreshAsync(issuer, current, honourFailureBackoff: true, cancellationToken);
            }
            catch (ProviderUnavailableException exception)
            {
                // Note: a provider briefly down must not stop logouts signed with keys we already know. Said once per
                // outage; the failure itself is logged by RefreshAsync when its cause changes.
                if (_staleNoted.TryAdd(issuer.Issuer, 0))
                {
                    LogStaleKeysUsed(logger, issuer.Issuer, exception.Message);
                }
            }
        }

        var found = current.Find(kid);
        if (found.Count > 0 || !TryClaimUnknownKidRefresh(issuer.Issuer, now))
        {
            return found;
        }

        // The unknown-kid throttle above already limits these fetches.
        current = await RefreshAsync(issuer, current, honourFailureBackoff: false, cancellationToken);
        return current.Find(kid);
    }

    /// <summary>
    /// Whether an unknown kid may trigger a refresh now: the first one after the interval does, the others wait.
    /// Measured from the last such refresh, not from the last fetch, so a rotation right after startup is followed.
    /// </summary>
    private bool TryClaimUnknownKidRefresh(string issuer, DateTimeOffset now)
    {
        var interval = options.Value.JwksRefreshInterval;
        while (true)
        {
            if (!_lastUnknownKidRefresh.TryGetValue(issuer, out var last))
            {
                if (_lastUnknownKidRefresh.TryAdd(issuer, now))
                {
                    return true;
                }

                continue;
            }

            if (now - last < interval)
            {
                return false;
            }

            if (_lastUnknownKidRefresh.TryUpdate(issuer, now, last))
            {
                return true;
            }
        }
    }

    /// <summary>
    /// The issuer's key set no older than <paramref name="maxAge"/> when the provider answers; otherwise the last one
    /// known, marked stale with the reason (null when none was ever loaded). One fetch for all concurrent callers.
    /// </summary>
    public async Task<(IssuerKeys? Keys, string? StaleReason)> GetKeySetAsync(ConfiguredIssuer issuer, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var current = _keys.GetValueOrDefault(issuer.Issuer);
        if (current is not null && timeProvider.GetUtcNow() - current.FetchedAt < maxAge)
        {
            return (current, null);
        }

        try
        {
            return (await RefreshAsync(issuer, current, honourFailureBackoff: current is not null, cancellationToken), null);
        }
        catch (ProviderUnavailableException exception)
        {
            return (current, exception.Message);
        }
    }

    /// <summary>Loads the keys of every issuer that has none yet; used until all are loaded so that readiness reflects the providers.</summary>
    public async Task LoadMissingAsync(CancellationToken cancellationToken)
    {
        foreach (var issuer in registry.Issuers.Values.Where(i => !_keys.ContainsKey(i.Issuer)))
        {
            try
            {
                // The startup loop has its own backoff.
                await RefreshAsync(issuer, null, honourFailureBackoff: false, cancellationToken);
            }
            catch (ProviderUnavailableException)
            {
                // Logged by RefreshAsync when the cause changes: a retry loop does not repeat the same line.
            }
        }
    }

    /// <summary>
    /// Fetches the issuer's keys, once for all requests waiting at the same time: a request that waited while another
    /// refreshed gets that result. With <paramref name="honourFailureBackoff"/> (expired cache, stale keys to fall back
    /// on), a fetch that failed less than <see cref="LogoutOptions.JwksRefreshInterval"/> ago is not repeated: a provider
    /// that is down costs each logout no timeout of its own.
    /// </summary>
    /// <param name="seen">The keys the caller saw; a newer set in the cache is returned without fetching.</param>
    private async Task<IssuerKeys> RefreshAsync(ConfiguredIssuer issuer, IssuerKeys? seen, bool honourFailureBackoff, CancellationToken cancellationToken)
    {
        var gate = _refreshLocks.GetOrAdd(issuer.Issuer, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var latest = _keys.GetValueOrDefault(issuer.Issuer);
            if (latest is not null && !ReferenceEquals(latest, seen))
            {
                return latest;
            }

            var now = timeProvider.GetUtcNow();
            if (honourFailureBackoff && _lastFailure.TryGetValue(issuer.Issuer, out var failedAt) && now - failedAt < options.Value.JwksRefreshInterval)
            {
                throw new ProviderUnavailableException($"the keys of {issuer.Issuer} could not be read moments ago; not asking again yet");
            }

            IssuerKeys keys;
            try
            {
                keys = await FetchAsync(issuer, cancellationToken);
            }
            catch (ProviderUnavailableException exception)
            {
                _lastFailure[issuer.Issuer] = now;
                metrics.JwksRefreshed(issuer.Issuer, "failure");
                RecordFailure(issuer.Issuer, exception.Message, now);
                throw;
            }

            _lastFailure.TryRemove(issuer.Issuer, out _);
            _staleNoted.TryRemove(issuer.Issuer, out _);
            if (_failing.TryRemove(issuer.Issuer, out var ended))
            {
                LogKeysRecovered(logger, issuer.Issuer, now - ended.Since);
            }

            _keys[issuer.Issuer] = keys;
            metrics.JwksRefreshed(issuer.Issuer, "success");
            LogKeysRefreshed(logger, issuer.Issuer, keys.Count);
            return keys;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<IssuerKeys> FetchAsync(ConfiguredIssuer issuer, CancellationToken cancellationToken)
    {
        var client = httpClientFactory.CreateClient(HttpClientName);
        var address = issuer.MetadataAddress;
        try
        {
            using var metadata = await GetJsonAsync(client, address, cancellationToken);
            if (metadata.RootElement.ValueKind != JsonValueKind.Object
                || !metadata.RootElement.TryGetProperty("jwks_uri", out var jwksUri) || jwksUri.ValueKind != JsonValueKind.String
                || !Uri.TryCreate(jwksUri.GetString(), UriKind.Absolute, out var jwksAddress))
            {
                throw new ProviderUnavailableException($"the keys of {issuer.Issuer} could not be read: the discovery document has no jwks_uri ({address})");
            }

            if (jwksAddress.Scheme != Uri.UriSchemeHttps && jwksAddress.Scheme != Uri.UriSchemeHttp)
            {
                throw new ProviderUnavailableException($"the keys of {issuer.Issuer} could not be read: the discovery document's jwks_uri is not an http(s) URL ({address})");
            }

            address = jwksAddress;
            using var response = await client.GetAsync(jwksAddress, cancellationToken);
            response.EnsureSuccessStatusCode();
            var document = await response.Content.ReadAsStringAsync(cancellationToken);
            // Note: JsonWebKeySet refuses a document that is not a JSON object (ProviderKeyCacheTests' "[]" case), so
            // the realm key set only ever merges an object.
            var set = new JsonWebKeySet(document);
            return new IssuerKeys(set.Keys, timeProvider.GetUtcNow(), document, CacheControlOf(response));
        }
        // Note: whatever the provider answers is the provider's failure, never a 500 of ours: InvalidOperationException
        // and NotSupportedException are what HttpClient and the JSON readers throw for answers they cannot use.
        catch (Exception exception) when (exception is HttpRequestException or JsonException or ArgumentException or InvalidOperationException
            or NotSupportedException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ProviderUnavailableException($"the keys of {issuer.Issuer} could not be read: {ProviderFetchFailure.Describe(address, exception)}", exception);
        }
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient client, Uri address, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(address, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// The provider's caching rule for its key set. Note: a Cache-Control header that is present but does not parse
    /// is not the same as none (which lets the realm key set use its own max age): its meaning is unknown, so it is
    /// taken as the cautious <c>no-cache</c>, never as permission to cache.
    /// </summary>
    private static System.Net.Http.Headers.CacheControlHeaderValue? CacheControlOf(HttpResponseMessage response) =>
        response.Headers.CacheControl
        ?? (response.Headers.NonValidated.Contains("Cache-Control") ? new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true } : null);

    [LoggerMessage(EventId = EventIds.ProviderKeysRefreshed, EventName = nameof(EventIds.ProviderKeysRefreshed), Level = LogLevel.Information, Message = "Keys of {Issuer} refreshed: {KeyCount} signing keys")]
    private static partial void LogKeysRefreshed(ILogger logger, string issuer, int keyCount);

    [LoggerMessage(EventId = EventIds.ProviderStaleKeysUsed, EventName = nameof(EventIds.ProviderStaleKeysUsed), Level = LogLevel.Warning, Message = "Keys of {Issuer} could not be refreshed, the cached ones stay in use: {Reason}")]
    private static partial void LogStaleKeysUsed(ILogger logger, string issuer, string reason);
}
