namespace LogoutEnricher.Storage;

/// <summary>What the store knows about one client session: its subject, its application sessions and expiry.</summary>
public sealed record SessionMapping(
    SessionKey Key,
    string? Subject,
    IReadOnlyList<AppSession> AppSessions,
    DateTimeOffset ExpiresAt);
