namespace LogoutEnricher.Protocol.Providers;

/// <summary>Keycloak's placeholder for per-node logout URLs.</summary>
internal static class SessionHostPlaceholder
{
    public const string Token = "${application.session.host}";
}
