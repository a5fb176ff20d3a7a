using System.Text.Json;
using LogoutEnricher.Delivery.Signing;
using LogoutEnricher.Protocol.Providers;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Delivery.Formats;

/// <summary>
/// OIDC Back-Channel Logout: a form POST of <c>logout_token</c>, the logout's claims with <c>adapterSessionIds</c>
/// added and fresh <c>jti</c>/<c>iat</c>/<c>exp</c>, signed with LogoutEnricher's key.
/// </summary>
internal sealed class BackChannelFormat(SigningKeyProvider keys, IOptions<SigningOptions> options, TimeProvider timeProvider) : ILogoutFormat
{
    public const string AdapterSessionIdsClaim = "adapterSessionIds";
    public const string LogoutTokenType = "logout+jwt";

    private static readonly HashSet<string> MintedClaims = new(StringComparer.Ordinal) { "jti", "iat", "exp", AdapterSessionIdsClaim };

    public LogoutFormat Format => LogoutFormat.BackChannel;

    public bool ForwardsAdminActions => false;

    public HttpRequestMessage CreateRequest(ConfiguredClient client, string url, DeliveryContent content) => new(HttpMethod.Post, url)
    {
        Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", CreateLogoutToken(content.Claims, content.AppSessionIds))]),
    };

    public string CreateLogoutToken(JsonElement claims, IReadOnlyList<string> appSessionIds)
    {
        var signing = options.Value;
        var now = timeProvider.GetUtcNow();
        var state = (claims, appSessionIds, signing.Issuer, Now: now.ToUnixTimeSeconds(), Expires: (now + signing.TokenLifetime).ToUnixTimeSeconds());
        return JwsWriter.Write(keys.Current, LogoutTokenType, state, static (writer, s) =>
        {
            foreach (var claim in s.claims.EnumerateObject())
            {
                // Unknown claims travel on untouched; only what is minted per delivery is replaced.
                if (MintedClaims.Contains(claim.Name) || (s.Issuer is not null && claim.NameEquals("iss")))
                {
                    continue;
                }

                claim.WriteTo(writer);
            }

            if (s.Issuer is not null)
            {
                writer.WriteString("iss", s.Issuer);
            }

            writer.WriteString("jti", Guid.NewGuid().ToString());
            writer.WriteNumber("iat", s.Now);
            writer.WriteNumber("exp", s.Expires);
            JwsWriter.WriteStrings(writer, AdapterSessionIdsClaim, s.appSessionIds);
        });
    }
}
