namespace LogoutEnricher.Storage;

/// <summary>Where a fan-out job stands.</summary>
public enum FanOutJobState
{
    /// <summary>Accepted; some of its sessions may still have to be queued.</summary>
    Pending,

    /// <summary>Every matching session was queued for delivery.</summary>
    Done,

    /// <summary>Given up (e.g. its client is no longer configured); see <see cref="FanOutJob.Error"/>.</summary>
    Failed,
}

/// <summary>
/// One Keycloak Admin URL push (realm sign-out-all or push-revocation) being turned into one logout per captured
/// session of a client. Stored before Keycloak gets its answer; a worker pages through the client's mappings and keeps
/// <see cref="Cursor"/> so that a crash or restart resumes where it stopped.
/// </summary>
/// <param name="Id">Derived from the issuer, client and Keycloak's action id, so a replayed action maps to the same job.</param>
/// <param name="Action">Keycloak's action: <c>LOGOUT</c> or <c>PUSH_NOT_BEFORE</c>.</param>
/// <param name="ActionId">Keycloak's action <c>id</c> (not a secret).</param>
/// <param name="NotBefore">Keycloak's <c>notBefore</c> (epoch seconds).</param>
/// <param name="CapturedBefore">Application sessions last captured before this instant are ended.</param>
/// <param name="Cursor">The last mapping handled (its <see cref="SessionMapping.Cursor"/>: the sid's lookup hash, never the sid), or null before the first page.</param>
/// <param name="Sessions">How many application session ids were queued so far.</param>
/// <param name="Error">Why a failed job failed, or null.</param>
public sealed record FanOutJob(
    string Id,
    string Issuer,
    string ClientId,
    string Action,
    string ActionId,
    long NotBefore,
    DateTimeOffset CapturedBefore,
    DateTimeOffset CreatedAt,
    FanOutJobState State,
    string? Cursor,
    long Sessions,
    string? Error,
    DateTimeOffset UpdatedAt);

/// <summary>How many jobs are in each state, for metrics and the admin API.</summary>
public readonly record struct FanOutJobCounts(long Pending, long Done, long Failed);
