namespace LogoutEnricher.Delivery;

/// <summary>
/// A Keycloak Admin URL action that LogoutEnricher forwards to a <see cref="Providers.LogoutFormat.KeycloakAdmin"/>
/// application as Keycloak would have sent it (re-signed with LogoutEnricher's key, with a fresh <c>expiration</c> per
/// attempt): the notBefore <c>LogoutAction</c> of a realm sign-out-all, or a <c>PushNotBeforeAction</c>.
/// </summary>
/// <param name="Action"><see cref="Logout"/> (to <c>k_logout</c>) or <see cref="PushNotBefore"/> (to <c>k_push_not_before</c>).</param>
/// <param name="Id">Keycloak's action id (<c>&lt;uuid&gt;-&lt;epoch ms&gt;</c>), kept so the application sees one action.</param>
/// <param name="NotBefore">Keycloak's <c>notBefore</c> (epoch seconds).</param>
internal sealed record KeycloakAdminAction(string Action, string Id, long NotBefore)
{
    public const string Logout = "LOGOUT";
    public const string PushNotBefore = "PUSH_NOT_BEFORE";

    /// <summary>The path Keycloak appends to the client's Admin URL for this action.</summary>
    public string PathSuffix => Action == PushNotBefore ? "/k_push_not_before" : "/k_logout";
}
