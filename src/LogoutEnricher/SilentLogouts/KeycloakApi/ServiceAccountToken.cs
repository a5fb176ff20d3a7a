using System.Net.Http.Json;
using LogoutEnricher.Diagnostics;

namespace LogoutEnricher.SilentLogouts.KeycloakApi;

/// <summary>
/// The service account's access token of one realm (client_credentials at the realm's token endpoint), cached and
/// renewed before it expires. One renewal at a time: concurrent callers wait for it rather than each asking Keycloak.
/// </summary>
internal sealed partial class ServiceAccountToken(KeycloakRealmSettings realm, KeycloakAdminTransport transport, TimeProvider timeProvider, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private string? _token;
    private DateTimeOffset _renewAt;

    /// <summary>A token valid for a while yet; fetches one when none is cached or it is due for renewal.</summary>
    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && timeProvider.GetUtcNow() < _renewAt)
        {
            return cached;
        }

        await _renewing.WaitAsync(cancellationToken);
        try
        {
            if (_token is { } renewed && timeProvider.GetUtcNow() < _renewAt)
            {
                return renewed;
            }

            return await FetchAsync(cancellationToken);
        }
        finally
        {
            _renewing.Release();
        }
    }

    /// <summary>Drops the cached token (Keycloak answered 401 with it), unless another caller replaced it already.</summary>
    public void Invalidate(string rejected)
    {
        if (ReferenceEquals(_token, rejected) || _token == rejected)
        {
            _token = null;
        }
    }

    public void Dispose() => _renewing.Dispose();

    private async Task<string> FetchAsync(CancellationToken cancellationToken)
    {
        string secret;
        try
        {
            secret = realm.ReadSecret();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new KeycloakAdminException($"The secret file of the service account of realm '{realm.Realm}' could not be read ({exception.GetType().Name}).", null, exception);
        }

        var form = new FormUrlEncodedContent(
        [
            new KeyValuePair<string, string>("grant_type", "client_credentials"),
            new KeyValuePair<string, string>("client_id", realm.ClientId),
            new KeyValuePair<string, string>("client_secret", secret),
        ]);
        using var response = await transport.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, realm.TokenEndpoint) { Content = form }, "token", cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            LogTokenRefused(logger, realm.Realm, realm.ClientId, status);
            throw new KeycloakAdminException(
                $"Keycloak refused the service-account token of client '{realm.ClientId}' in realm '{realm.Realm}' (HTTP {status}): check the client secret and that Service accounts roles is on.", status);
        }

        var body = await transport.ReadJsonAsync(response, KeycloakAdminJsonContext.Default.TokenResponse, "token", cancellationToken);
        if (string.IsNullOrEmpty(body.AccessToken) || body.ExpiresIn <= 0)
        {
            throw new KeycloakAdminException($"Keycloak's token endpoint of realm '{realm.Realm}' answered without access_token or expires_in.");
        }

        var lifetime = TimeSpan.FromSeconds(body.ExpiresIn);
        var margin = lifetime / 2 < realm.RenewalMargin ? lifetime / 2 : realm.RenewalMargin;
        _token = body.AccessToken;
        _renewAt = timeProvider.GetUtcNow() + lifetime - margin;
        LogTokenObtained(logger, realm.Realm, realm.ClientId, lifetime);
        return body.AccessToken;
    }

    [LoggerMessage(EventId = EventIds.ServiceAccountTokenObtained, EventName = nameof(EventIds.ServiceAccountTokenObtained), Level = LogLevel.Debug,
        Message = "Service-account token of client {ClientId} obtained for realm {Realm}, valid {Lifetime}")]
    private static partial void LogTokenObtained(ILogger logger, string realm, string clientId, TimeSpan lifetime);

    [LoggerMessage(EventId = EventIds.ServiceAccountTokenRefused, EventName = nameof(EventIds.ServiceAccountTokenRefused), Level = LogLevel.Error,
        Message = "Keycloak refused the service-account token of client {ClientId} in realm {Realm} (HTTP {StatusCode}): check its secret and that Service accounts roles is on")]
    private static partial void LogTokenRefused(ILogger logger, string realm, string clientId, int statusCode);
}
