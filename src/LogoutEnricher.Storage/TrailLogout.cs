namespace LogoutEnricher.Storage;

/// <summary>Where one logout stands in the trail; stored by name (lowercase).</summary>
public enum TrailOutcome
{
    /// <summary>Accepted and durably queued; no delivery attempt finished yet.</summary>
    Queued,

    /// <summary>The last attempt failed transiently; the dispatcher tries again.</summary>
    Retrying,

    /// <summary>The application answered 2xx.</summary>
    Delivered,

    /// <summary>Failed for good (a dead letter, or a failed Synchronous delivery Keycloak was told about).</summary>
    Failed,

    /// <summary>Accepted, with nothing any application could be told (no captured session).</summary>
    NothingToDo,
}

/// <summary>
/// One logout in the trail. Hashes and ciphertext only: <paramref name="SidHash"/> is the audit log's sid hash (so a
/// trail row and its log events correlate), <paramref name="SubjectHash"/> the keyed lookup hash of the subject and
/// <paramref name="ProtectedSubject"/> its encrypted copy, both made by the host's <see cref="ISessionIdentityProtector"/>.
/// </summary>
/// <param name="Id">Time-ordered (a version 7 GUID), carried by each delivery of this logout.</param>
/// <param name="Source">The logout source's name (provider, admin_api, sign_out_all, ...).</param>
/// <param name="Reason">The <c>logout_reason</c> of a logout LogoutEnricher started itself, or null.</param>
/// <param name="AppSessions">How many application session ids its deliveries name.</param>
/// <param name="Outcome">As accepted, then as its latest attempt left it.</param>
/// <param name="Attempts">Delivery attempts stored so far.</param>
/// <param name="DeliveredAt">When the latest successful attempt ended, or null.</param>
/// <param name="LastError">The latest attempt's status or error when it failed, or null.</param>
public sealed record TrailLogout(
    string Id,
    DateTimeOffset AcceptedAt,
    string Issuer,
    string ClientId,
    string Source,
    string? Reason,
    string SidHash,
    string? SubjectHash,
    string? ProtectedSubject,
    int AppSessions,
    TrailOutcome Outcome,
    int Attempts = 0,
    DateTimeOffset? DeliveredAt = null,
    string? LastError = null);

/// <summary>One delivery attempt of a logout.</summary>
/// <param name="Sequence">Unique within the logout (a logout with several deliveries numbers them apart): the store keeps one per (logout, sequence).</param>
/// <param name="Number">The attempt number of its delivery (1 for the first).</param>
/// <param name="At">When the attempt ended.</param>
/// <param name="StatusCode">The application's HTTP status, or null when none came.</param>
/// <param name="Error">The failure without a response (timeout, connection refused), or null.</param>
/// <param name="Outcome">Where the logout stands after this attempt.</param>
public sealed record TrailAttempt(
    string LogoutId,
    string Sequence,
    int Number,
    DateTimeOffset At,
    int? StatusCode,
    string? Error,
    TimeSpan Duration,
    TrailOutcome Outcome);

/// <summary>
/// A trail query: every given filter must hold. <see cref="Users"/> holds one entry per user term typed, each the
/// hashes a row may carry for it (as sid hash or subject hash).
/// </summary>
/// <param name="After">Keyset: only rows older than this position (the last row of the previous page).</param>
public sealed record TrailQuery(
    int Limit,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? ClientId = null,
    TrailOutcome? Outcome = null,
    string? Source = null,
    string? Reason = null,
    IReadOnlyList<IReadOnlyList<string>>? Users = null,
    TrailCursor? After = null)
{
    /// <summary>Whether <paramref name="logout"/> passes every filter (backends that filter in memory use this).</summary>
    public bool Matches(TrailLogout logout) =>
        (From is not { } from || logout.AcceptedAt >= from)
        && (To is not { } to || logout.AcceptedAt < to)
        && (ClientId is null || logout.ClientId == ClientId)
        && (Outcome is not { } outcome || logout.Outcome == outcome)
        && (Source is null || logout.Source == Source)
        && (Reason is null || logout.Reason == Reason)
        && (Users is null || Users.All(hashes => hashes.Contains(logout.SidHash) || (logout.SubjectHash is { } subject && hashes.Contains(subject))))
        && (After is not { } after || after.IsAfter(logout));
}

/// <summary>A position in the trail's order (accepted-at, then id, both descending).</summary>
public readonly record struct TrailCursor(DateTimeOffset AcceptedAt, string Id)
{
    public static TrailCursor Of(TrailLogout logout) => new(logout.AcceptedAt, logout.Id);

    /// <summary>Whether <paramref name="logout"/> comes after this position, newest first.</summary>
    public bool IsAfter(TrailLogout logout) =>
        logout.AcceptedAt.ToUnixTimeMilliseconds() < AcceptedAt.ToUnixTimeMilliseconds()
        || (logout.AcceptedAt.ToUnixTimeMilliseconds() == AcceptedAt.ToUnixTimeMilliseconds() && string.CompareOrdinal(logout.Id, Id) < 0);
}

/// <summary>Names the stored outcome values.</summary>
public static class TrailOutcomeNames
{
    public static string Name(this TrailOutcome outcome) => outcome switch
    {
        TrailOutcome.Queued => "queued",
        TrailOutcome.Retrying => "retrying",
        TrailOutcome.Delivered => "delivered",
        TrailOutcome.Failed => "failed",
        _ => "nothing_to_do",
    };

    public static bool TryParse(string? value, out TrailOutcome outcome)
    {
        foreach (var candidate in Enum.GetValues<TrailOutcome>())
        {
            if (string.Equals(candidate.Name(), value, StringComparison.OrdinalIgnoreCase) || string.Equals(candidate.ToString(), value, StringComparison.OrdinalIgnoreCase))
            {
                outcome = candidate;
                return true;
            }
        }

        outcome = default;
        return false;
    }

    public static TrailOutcome Parse(string value) => TryParse(value, out var outcome) ? outcome : TrailOutcome.Queued;
}
