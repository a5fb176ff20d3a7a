namespace LogoutEnricher.Storage;

/// <summary>
/// One application session id as the store keeps it. The store never sees the raw id: <see cref="Handle"/> is a
/// keyed hash that makes an id unique within its mapping, <see cref="ProtectedId"/> the encrypted id.
/// </summary>
/// <param name="Handle">Deterministic keyed hash of the raw id; the identity of the entry within its mapping.</param>
/// <param name="ProtectedId">The id encrypted at rest (opaque to the store).</param>
/// <param name="Host">The <c>client_session_host</c> the id was captured with, when allowed; otherwise null.</param>
public sealed record AppSession(string Handle, string ProtectedId, string? Host);
