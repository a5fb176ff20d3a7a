using System.Collections.Concurrent;
using System.Security.Cryptography;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Delivery.Signing;

/// <summary>
/// Holds the key that signs enriched tokens and the JWKS that publishes it. The key comes from
/// <c>Signing:KeyFile</c>, or is generated and kept (encrypted) in the shared store, rotated on schedule (see
/// <see cref="KeyRotationPlan"/>), so that a restart and every replica publish the same keys.
/// </summary>
internal sealed partial class SigningKeyProvider(
    ISigningKeyStore store,
    SecretProtector protector,
    IOptions<SigningOptions> options,
    TimeProvider timeProvider,
    LogoutEnricherMetrics metrics,
    ILogger<SigningKeyProvider> logger) : IDisposable
{
    private const string Purpose = ProtectionPurposes.SigningKey;

    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly ConcurrentDictionary<string, SigningKey> _decrypted = new(StringComparer.Ordinal);
    private volatile SigningKeySet? _keys;

    /// <summary>The key that signs now.</summary>
    public SigningKey Current => Keys.Current;

    /// <summary>The published JWKS document, serialized once per key change.</summary>
    public byte[] JwksDocument => Keys.Jwks;

    private SigningKeySet Keys => _keys ?? throw new InvalidOperationException("Signing keys are not loaded yet.");

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var signing = options.Value;
        if (!string.IsNullOrEmpty(signing.KeyFile))
        {
            var fromFile = SigningKey.FromPem(signing.Algorithm, await File.ReadAllTextAsync(signing.KeyFile, cancellationToken));
            _keys = new SigningKeySet(fromFile, [fromFile]);
            LogKeyLoaded(logger, fromFile.KeyId, fromFile.Algorithm, "key file");
            return;
        }

        await RefreshAsync(cancellationToken);
        LogKeyLoaded(logger, Current.KeyId, Current.Algorithm, "store");
    }

    /// <summary>Applies the rotation rules to the store and adopts what it holds. Safe to call from any replica at any time.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken);
        try
        {
            var algorithm = options.Value.Algorithm;
            var grace = options.Value.RetiredKeyGrace;
            var now = timeProvider.GetUtcNow();
            var stored = await ReadAsync(algorithm, cancellationToken);
            if (await ReconcileAsync(stored, algorithm, now, cancellationToken))
            {
                // Note: re-read rather than trust our own writes, so replicas racing on the same step settle on one result.
                stored = await ReadAsync(algorithm, cancellationToken);
            }

            // Note: when nothing signs yet by our clock, the key a replica with a clock ahead of ours created signs.
            var signer = KeyRotationPlan.Signer(stored, now) ?? (KeyRotationPlan.Pending(stored, now) is [var earliest, ..] ? earliest : null) ?? throw new InvalidOperationException("No signing key is active after reconciling the key store.");
            var published = stored.Where(k => KeyRotationPlan.IsPublished(k, now, grace)).OrderBy(k => k.ActivatesAt).ThenBy(k => k.KeyId, StringComparer.Ordinal).Select(Decrypt).ToList();
            var current = Decrypt(signer);
            if (_keys is { } previous && previous.Current.KeyId != current.KeyId)
            {
                LogKeyActivated(logger, current.KeyId, previous.Current.KeyId);
            }

            _keys = new SigningKeySet(current, published);
            foreach (var gone in _decrypted.Keys.Except(published.Select(k => k.KeyId)).ToList())
            {
                _decrypted.TryRemove(gone, out _);
            }
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <returns>Whether the store was changed.</returns>
    private async Task<bool> ReconcileAsync(IReadOnlyList<StoredSigningKey> stored, string algorithm, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var changed = false;
        foreach (var expired in stored.Where(k => !KeyRotationPlan.IsPublished(k, now, options.Value.RetiredKeyGrace)))
        {
            await store.RemoveAsync(expired.KeyId, cancellationToken);
            changed = true;
        }

        var live = stored.Where(k => KeyRotationPlan.IsPublished(k, now, options.Value.RetiredKeyGrace)).ToList();
        var signer = KeyRotationPlan.Signer(live, now);
        if (signer is null)
        {
            if (KeyRotationPlan.Pending(live, now).Count > 0)
            {
                // Note: a key another replica just created, whose clock is ahead of ours: adopted, never doubled.
                return changed;
            }

            // First start (or every key lapsed): a key that signs at once. The store decides which of the replicas
            // starting together creates it; the others adopt the winner's key before signing anything.
            await AddToSlotAsync(KeyRotationPlan.FirstSlot(live, algorithm), algorithm, now, now, cancellationToken);
            return true;
        }

        foreach (var orphan in KeyRotationPlan.Orphans(live, signer, now))
        {
            // Note: a key that may have signed but no longer does (left by replicas that raced before creation
            // was decided by the store): retired now, so it stays published for the grace period and then goes.
            await store.RetireAsync(orphan.KeyId, now, cancellationToken);
            changed = true;
        }

        var pending = KeyRotationPlan.Pending(live, now);
        foreach (var loser in pending.Skip(1))
        {
            await store.RemoveAsync(loser.KeyId, cancellationToken);
            changed = true;
        }

        if (pending.Count > 0 && signer.RetiresAt != pending[0].ActivatesAt)
        {
            await store.RetireAsync(signer.KeyId, pending[0].ActivatesAt, cancellationToken);
            changed = true;
        }

        if (KeyRotationPlan.SuccessorActivation(signer, pending.Count > 0, now, options.Value) is { } activatesAt)
        {
            var successor = await AddToSlotAsync(KeyRotationPlan.SuccessorSlot(signer), algorithm, now, activatesAt, cancellationToken);
            await store.RetireAsync(signer.KeyId, successor.ActivatesAt, cancellationToken);
            return true;
        }

        return changed;
    }

    /// <returns>The key that holds <paramref name="slot"/>: the one generated here, or a racing replica's.</returns>
    private async Task<StoredSigningKey> AddToSlotAsync(string slot, string algorithm, DateTimeOffset now, DateTimeOffset activatesAt, CancellationToken cancellationToken)
    {
        using var generated = SigningKey.Generate(algorithm);
        var record = new StoredSigningKey(generated.KeyId, generated.Algorithm, protector.Protect(generated.ExportPkcs8(), Purpose), now, activatesAt, null);
        var holder = await store.AddToSlotAsync(slot, record, cancellationToken);
        if (holder.KeyId == generated.KeyId)
        {
            LogKeyGenerated(logger, generated.KeyId, generated.Algorithm, activatesAt);
            if (activatesAt > now)
            {
                metrics.SigningKeyRotated();
            }
        }

        return holder;
    }

    private async Task<IReadOnlyList<StoredSigningKey>> ReadAsync(string algorithm, CancellationToken cancellationToken) =>
        (await store.GetAllAsync(cancellationToken)).Where(r => r.Algorithm == algorithm).ToList();

    private SigningKey Decrypt(StoredSigningKey record) => _decrypted.GetOrAdd(record.KeyId, _ =>
    {
        try
        {
            return SigningKey.FromPkcs8(record.Algorithm, protector.Unprotect(record.ProtectedPrivateKey, Purpose));
        }
        catch (CryptographicException exception)
        {
            // Note: generating a new key instead would split the JWKS of replicas that still hold the right key.
            throw new InvalidOperationException(
                $"Signing key {record.KeyId} in the store cannot be decrypted: LogoutEnricher:Storage:EncryptionKey was changed. "
                + "Put the previous key in LogoutEnricher:Storage:PreviousEncryptionKeys (or PreviousEncryptionKeyFiles).", exception);
        }
    });

    public void Dispose() => _refreshGate.Dispose();

    [LoggerMessage(EventId = EventIds.SigningKeyGenerated, EventName = nameof(EventIds.SigningKeyGenerated), Level = LogLevel.Information, Message = "Signing key {KeyId} ({Algorithm}) generated, signing from {ActivatesAt:O}")]
    private static partial void LogKeyGenerated(ILogger logger, string keyId, string algorithm, DateTimeOffset activatesAt);

    [LoggerMessage(EventId = EventIds.SigningKeyLoaded, EventName = nameof(EventIds.SigningKeyLoaded), Level = LogLevel.Information, Message = "Signing key {KeyId} ({Algorithm}) loaded from {Source}")]
    private static partial void LogKeyLoaded(ILogger logger, string keyId, string algorithm, string source);

    [LoggerMessage(EventId = EventIds.SigningKeyActivated, EventName = nameof(EventIds.SigningKeyActivated), Level = LogLevel.Information, Message = "Signing key {KeyId} now signs, after {PreviousKeyId}")]
    private static partial void LogKeyActivated(ILogger logger, string keyId, string previousKeyId);
}
