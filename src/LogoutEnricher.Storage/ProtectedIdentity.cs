namespace LogoutEnricher.Storage;

/// <summary>
/// A mapping's sid and subject encrypted at rest (opaque to the store): kept only because minting a logout token and
/// the admin views need the values themselves; every lookup goes through their keyed hashes instead.
/// </summary>
/// <param name="Sid">The encrypted sid.</param>
/// <param name="Subject">The encrypted subject, or null when none was captured.</param>
public sealed record ProtectedIdentity(string Sid, string? Subject);
