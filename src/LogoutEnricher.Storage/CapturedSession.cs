namespace LogoutEnricher.Storage;

/// <summary>One unexpired mapping as reconciliation walks them: its provider session id and subject, no app sessions.</summary>
/// <remarks>From a backend (<see cref="ISessionRecordStore"/>) both are lookup hashes and <see cref="Protected"/> holds them encrypted.</remarks>
public sealed record CapturedSession(string Sid, string? Subject)
{
    /// <summary>The encrypted sid and subject as a backend stored them; null above the store.</summary>
    public ProtectedIdentity? Protected { get; init; }
}
