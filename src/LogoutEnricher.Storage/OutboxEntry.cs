namespace LogoutEnricher.Storage;

/// <summary>
/// One pending delivery of an accepted logout to one application endpoint. The store treats <see cref="Payload"/> as
/// opaque: the host puts there, encrypted, what it needs to mint a fresh token on every attempt.
/// </summary>
/// <param name="Id">Unique id of the entry.</param>
/// <param name="Issuer">The provider the logout came from.</param>
/// <param name="ClientId">The application it goes to.</param>
/// <param name="Host">The <c>client_session_host</c> for per-node delivery, or null.</param>
/// <param name="Payload">Opaque, encrypted delivery content.</param>
/// <param name="CreatedAt">When the logout was accepted.</param>
/// <param name="ExpiresAt">After this the entry is not tried again but becomes a dead letter.</param>
/// <param name="Attempts">Attempts made so far.</param>
/// <param name="NextAttemptAt">Not leased before this instant.</param>
/// <param name="LastError">Why the last attempt failed (status or error name; never secrets), or null.</param>
public sealed record OutboxEntry(
    string Id,
    string Issuer,
    string ClientId,
    string? Host,
    string Payload,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastError);

/// <summary>An entry that will not be tried again until an operator retries it.</summary>
public sealed record DeadLetter(OutboxEntry Entry, string Reason, DateTimeOffset DeadAt);

/// <summary>How many entries wait, for metrics and readiness.</summary>
public readonly record struct OutboxCounts(long Pending, long DeadLetters);
