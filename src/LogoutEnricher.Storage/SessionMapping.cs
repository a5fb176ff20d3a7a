namespace LogoutEnricher.Storage;

/// <summary>What the store knows about one client session: its subject, its application sessions and expiry.</summary>
/// <remarks>
/// Through <see cref="ProtectedSessionStore"/> the key's sid and the subject are the provider's own values; through
/// <see cref="ISessionRecordStore"/> (what a backend keeps) they are lookup hashes and <see cref="Protected"/> holds
/// them encrypted.
/// </remarks>
public sealed record SessionMapping(
    SessionKey Key,
    string? Subject,
    IReadOnlyList<AppSession> AppSessions,
    DateTimeOffset ExpiresAt)
{
    /// <summary>The encrypted sid and subject as a backend stored them; null above the store.</summary>
    public ProtectedIdentity? Protected { get; init; }

    /// <summary>
    /// This mapping's keyset position for <see cref="ProtectedSessionStore.ListByClientAsync"/> (opaque: the stored lookup
    /// hash of the sid, never the sid), or null when the store orders by the sid itself.
    /// </summary>
    public string? Cursor { get; init; }
}
