namespace LogoutEnricher.Storage;

/// <summary>
/// A mapping written before sid and subject were hashed at rest: its key and subject are the provider's
/// values in clear. <see cref="ProtectedSessionStore.ProtectExistingAsync"/> rewrites each one.
/// </summary>
public sealed record UnprotectedSession(SessionKey Key, string? Subject);
