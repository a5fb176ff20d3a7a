using System.Diagnostics;

namespace LogoutEnricher.Operations.Telemetry;

/// <summary>
/// The spans LogoutEnricher adds to the ASP.NET Core request span and the HttpClient spans beneath it, so that a
/// trace shows Keycloak's request, the capture or logout, and each delivery to an application as one tree.
/// </summary>
internal static class LogoutEnricherActivities
{
    public const string SourceName = "LogoutEnricher";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartLogout() => Source.StartActivity("logout");

    public static Activity? StartCapture(string clientId)
    {
        var activity = Source.StartActivity("capture");
        activity?.SetTag("logoutenricher.client", clientId);
        return activity;
    }
}
