using LogoutEnricher.Delivery;

namespace LogoutEnricher.Logout;

/// <summary>
/// How one logout ended. The endpoint, the admin API, the metrics and the audit log all name it with
/// <see cref="LogoutOutcomeNames.Name"/>: never a pair of booleans that each caller reads its own way.
/// </summary>
internal enum LogoutOutcome
{
    /// <summary>Synchronous mode: every application answered 2xx.</summary>
    Delivered,

    /// <summary>Queued mode: durably written to the outbox; the dispatcher delivers it.</summary>
    Queued,

    /// <summary>Synchronous mode: an application did not accept it (or could not be reached).</summary>
    DeliveryFailed,

    /// <summary>The logout token failed validation; nothing was done.</summary>
    Rejected,

    /// <summary>A store or the provider was unavailable; nothing was queued, the sender should try again.</summary>
    Unavailable,

    /// <summary>Another copy claimed its replay id (a provider's <c>jti</c>, a Keycloak action id) first; nothing was done.</summary>
    Replayed,

    /// <summary>There was nothing to end (a fan-out page or an action that named no captured session); nothing was queued.</summary>
    NothingToDo,
}

internal static class LogoutOutcomeNames
{
    /// <summary>The outcome as logs, metrics and API answers spell it (a contract: see README "Metrics").</summary>
    public static string Name(this LogoutOutcome outcome) => outcome switch
    {
        LogoutOutcome.Delivered => "delivered",
        LogoutOutcome.Queued => "queued",
        LogoutOutcome.DeliveryFailed => "delivery_failed",
        LogoutOutcome.Rejected => "rejected",
        LogoutOutcome.Replayed => "replayed",
        LogoutOutcome.NothingToDo => "nothing_to_do",
        _ => "unavailable",
    };
}

/// <summary>What the pipeline did with one request.</summary>
/// <param name="AppSessionCount">The application session ids named, over all its logouts.</param>
/// <param name="Deliveries">The inline attempts (Synchronous mode); empty when queued.</param>
/// <param name="Logouts">How many logouts it made: one, or one per session given.</param>
internal sealed record LogoutResult(LogoutOutcome Outcome, int AppSessionCount, IReadOnlyList<DeliveryResult> Deliveries, int Logouts = 0)
{
    public static LogoutResult Of(LogoutOutcome outcome) => new(outcome, 0, []);
}
