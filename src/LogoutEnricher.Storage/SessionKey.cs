namespace LogoutEnricher.Storage;

/// <summary>
/// Identifies one client session of one SSO session: Keycloak shares a <c>sid</c> across every client of an SSO
/// session, so an application's sessions are keyed by (issuer, client, sid).
/// </summary>
public readonly record struct SessionKey(string Issuer, string ClientId, string Sid)
{
    public override string ToString() => $"{Issuer}|{ClientId}|{Sid}";
}
