using LogoutEnricher.Diagnostics;

namespace LogoutEnricher.SilentLogouts.Doctor;

/// <summary>
/// One setting that silently breaks single logout. <see cref="Finding"/> is a stable name (metric label, admin API);
/// <see cref="Found"/> is the setting as found, <see cref="Breaks"/> what that breaks, <see cref="Fix"/> what to change
/// and where in the admin console; <see cref="Advice"/> says all three in one sentence (logs, admin API).
/// </summary>
/// <param name="Client">The client id, or <c>*</c> for a realm-wide finding.</param>
/// <param name="Breaks">What goes wrong because of it, or null when <see cref="Found"/> says it already.</param>
internal sealed record ConfigFinding(string Issuer, string Client, string Finding, int EventId, string Found, string? Breaks, string Fix)
{
    public string Advice => Breaks is null ? $"{Found}: {Fix}" : $"{Found}, so {Breaks}: {Fix}";
}

/// <summary>The finding names and their event ids (8300-8399).</summary>
internal static class Findings
{
    public const string RealmWide = "*";

    public const string FrontChannelLogoutOn = "front_channel_logout_on";
    public const string BackChannelUrlNotLogoutEnricher = "backchannel_url_not_logoutenricher";
    public const string BackChannelUrlOfOtherClient = "backchannel_url_of_other_client";
    public const string SessionNotRequired = "backchannel_session_not_required";
    public const string AdminUrlNotLogoutEnricher = "admin_url_not_logoutenricher";
    public const string ExpiryEventsNotStored = "expiry_events_not_stored";
    public const string ClientUnknown = "client_unknown";
    public const string AdminApiUnavailable = "admin_api_unavailable";

    public static int EventIdOf(string finding) => finding switch
    {
        FrontChannelLogoutOn => EventIds.ConfigFindingFrontChannelLogoutOn,
        BackChannelUrlNotLogoutEnricher => EventIds.ConfigFindingBackChannelUrlNotLogoutEnricher,
        BackChannelUrlOfOtherClient => EventIds.ConfigFindingBackChannelUrlOfOtherClient,
        SessionNotRequired => EventIds.ConfigFindingSessionNotRequired,
        AdminUrlNotLogoutEnricher => EventIds.ConfigFindingAdminUrlNotLogoutEnricher,
        ExpiryEventsNotStored => EventIds.ConfigFindingExpiryEventsNotStored,
        ClientUnknown => EventIds.ConfigFindingClientUnknown,
        _ => EventIds.ConfigFindingAdminApiUnavailable,
    };
}
