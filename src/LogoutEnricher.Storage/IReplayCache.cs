namespace LogoutEnricher.Storage;

/// <summary>The <c>jti</c> values of logout tokens already accepted, per issuer, kept until the token expires.</summary>
public interface IReplayCache
{
    /// <summary>Whether <paramref name="jti"/> of <paramref name="issuer"/> was already recorded and has not expired.</summary>
    Task<bool> ContainsAsync(string issuer, string jti, CancellationToken cancellationToken = default);

    /// <summary>Records the <paramref name="jti"/>; false when it was already there (a concurrent replay).</summary>
    Task<bool> TryAddAsync(string issuer, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Deletes entries that expired before <paramref name="now"/>.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default);
}
