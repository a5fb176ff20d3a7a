using LogoutEnricher.Operations.AdminApi;
using LogoutEnricher.Operations.Home;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>What the OIDC sign-in shows: the sign-in page's form and policy, the 403 and failure pages.</summary>
internal static partial class ConsoleOidc
{
    /// <summary>The sign-in page's OIDC form: one button naming the issuer.</summary>
    public static string SignInForm(string antiforgeryField, string consolePath, string issuer) =>
        "<form method=\"post\" action=\"" + HtmlPage.Encode(consolePath + "/sign-in/oidc") + "\">" + antiforgeryField
        + "<p><button class=\"primary\" type=\"submit\" id=\"sign-in-oidc\">Sign in with " + HtmlPage.Encode(issuer) + "</button></p></form>";

    /// <summary>
    /// The sign-in page's policy: its OIDC form's answer is a redirect to the provider's authorization endpoint, which
    /// <c>form-action 'self'</c> would block; that endpoint is at the issuer's origin (Keycloak: its public URL).
    /// </summary>
    public static string SignInPagePolicy(string issuer) =>
        Uri.TryCreate(issuer, UriKind.Absolute, out var uri)
            ? HtmlPage.ContentSecurityPolicy.Replace("form-action 'self'", "form-action 'self' " + uri.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal)
            : HtmlPage.ContentSecurityPolicy;

    /// <summary>
    /// What went wrong, in words an operator can act on. Note: not the exception's message, which may quote the
    /// provider's answer.
    /// </summary>
    private static string Describe(Exception? failure) => failure?.Message switch
    {
        { } m when m.Contains("Correlation failed", StringComparison.Ordinal) => "the answer does not belong to a sign-in this browser started (state missing, changed or expired)",
        { } m when m.Contains("nonce", StringComparison.OrdinalIgnoreCase) => "the ID token's nonce is not the one this sign-in sent",
        { } m when m.Contains("access_denied", StringComparison.Ordinal) || m.Contains("Access was denied", StringComparison.Ordinal) => "the provider denied access",
        { } m when m.Contains("state", StringComparison.OrdinalIgnoreCase) => "the answer's state is missing or cannot be read",
        _ => "the provider's answer could not be verified (" + (failure?.GetType().Name ?? "no answer") + ")",
    };

    private static string Forbidden(AdminOptions admin, string user) => HtmlPage.Render("LogoutEnricher console", "",
        "<section style=\"max-width:40rem\" id=\"forbidden\"><h2>Not allowed</h2><p>You signed in at <strong>" + HtmlPage.Encode(admin.Bearer.Issuer)
        + "</strong> as <strong>" + HtmlPage.Encode(user) + "</strong>, but that account's access token does not grant the role <code>"
        + HtmlPage.Encode(admin.Bearer.RequiredRole) + "</code> for the audience <code>" + HtmlPage.Encode(admin.Bearer.Audience)
        + "</code> (<code>" + AdminOptions.SectionName + ":Bearer</code>), which the console and the admin API require.</p>"
        + "<p>Ask an administrator of the realm to grant it, then <a href=\"" + HtmlPage.Encode(OperatorConsoleExtensions.ConsolePath(admin) + "/sign-in")
        + "\">sign in again</a>.</p></section>");

    private static string Message(string title, string text, string consolePath) => HtmlPage.Render(title, "",
        "<section><p id=\"sign-in-error\">" + HtmlPage.Encode(text) + " <a href=\"" + HtmlPage.Encode(consolePath + "/sign-in") + "\">Sign in again</a>.</p></section>");
}
