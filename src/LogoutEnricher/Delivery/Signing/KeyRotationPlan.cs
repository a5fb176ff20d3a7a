using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Delivery.Signing;

/// <summary>
/// The rules every replica applies to the shared key store. They depend only on the stored keys and the time, so
/// replicas that read the same store agree on which key signs and which keys are published.
/// </summary>
internal static class KeyRotationPlan
{
    /// <summary>The key that signs at <paramref name="now"/>: the most recently activated key that is not retired.</summary>
    public static StoredSigningKey? Signer(IEnumerable<StoredSigningKey> keys, DateTimeOffset now) => keys
        .Where(k => k.ActivatesAt <= now && (k.RetiresAt is null || k.RetiresAt > now))
        .OrderByDescending(k => k.ActivatesAt).ThenBy(k => k.KeyId, StringComparer.Ordinal)
        .FirstOrDefault();

    /// <summary>Keys in the JWKS: pending, signing, and retired ones during their grace period.</summary>
    public static bool IsPublished(StoredSigningKey key, DateTimeOffset now, TimeSpan grace) => key.RetiresAt is not { } retired || retired + grace > now;

    /// <summary>Keys published but not yet signing, the one that wins first: replicas that raced keep only it.</summary>
    public static IReadOnlyList<StoredSigningKey> Pending(IEnumerable<StoredSigningKey> keys, DateTimeOffset now) => keys
        .Where(k => k.ActivatesAt > now && k.RetiresAt is null)
        .OrderBy(k => k.ActivatesAt).ThenBy(k => k.KeyId, StringComparer.Ordinal)
        .ToList();

    /// <summary>When the successor of <paramref name="signer"/> should start signing, if it is time to create it now.</summary>
    public static DateTimeOffset? SuccessorActivation(StoredSigningKey signer, bool hasPending, DateTimeOffset now, SigningOptions options)
    {
        if (options.RotationPeriod <= TimeSpan.Zero || hasPending || signer.RetiresAt is not null)
        {
            return null;
        }

        var due = signer.ActivatesAt + options.RotationPeriod;
        if (due - options.PublishBefore > now)
        {
            return null;
        }

        // Note: a replica that was down past the due time still publishes the successor for the full PublishBefore.
        var earliest = now + options.PublishBefore;
        return due > earliest ? due : earliest;
    }

    /// <summary>
    /// The slot of the key created when none signs: named after the newest key still published (none on a first
    /// start), so that replicas reading the same store race for the same slot and the store keeps one key.
    /// </summary>
    public static string FirstSlot(IEnumerable<StoredSigningKey> published, string algorithm) =>
        published.OrderByDescending(k => k.ActivatesAt).ThenBy(k => k.KeyId, StringComparer.Ordinal).FirstOrDefault() is { } newest
            ? $"first:{algorithm}:after:{newest.KeyId}"
            : $"first:{algorithm}";

    /// <summary>The slot of the key that succeeds <paramref name="signer"/>: one successor per key, whoever creates it.</summary>
    public static string SuccessorSlot(StoredSigningKey signer) => $"after:{signer.KeyId}";

    /// <summary>Keys that have activated and were never retired but do not sign: each replica that raced may have signed with one.</summary>
    public static IEnumerable<StoredSigningKey> Orphans(IEnumerable<StoredSigningKey> keys, StoredSigningKey signer, DateTimeOffset now) => keys
        .Where(k => k.KeyId != signer.KeyId && k.ActivatesAt <= now && k.RetiresAt is null);
}
