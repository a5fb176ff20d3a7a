namespace LogoutEnricher.Storage;

/// <summary>The <c>jti</c> values of logout tokens already accepted, per issuer, kept until the token expires.</summary>
public interface IReplayCache
{
    /// <summary>Whether <paramref name="jti"/> of <paramref name="issuer"/> was already recorded and has not expired.</summary>
    Task<bool> ContainsAsync(string issuer, string jti, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records (claims) the <paramref name="jti"/>; false when it was already there (a concurrent replay). Atomic across
    /// replicas: of any number of concurrent calls for one unrecorded <c>jti</c>, exactly one returns true.
    /// </summary>
    Task<bool> TryAddAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets a claimed <paramref name="jti"/>, so that the provider's resend of a logout refused for a transient
    /// reason is accepted. Nothing happens when the <c>jti</c> is not recorded.
    /// </summary>
    Task ReleaseAsync(string issuer, string jti, CancellationToken cancellationToken = default);

    /// <summary>Deletes entries that expired before <paramref name="now"/>.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
