using System.Text.Json;
using LogoutEnricher.Hosting;
using LogoutEnricher.Security;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Signing;

/// <summary>
/// Holds the key that signs enriched tokens and the JWKS that publishes it. The key comes from
/// <c>Signing:KeyFile</c>, or is generated once and kept (encrypted) in the store, so that a restart and every replica
/// publish the same <c>kid</c>.
/// </summary>
internal sealed partial class SigningKeyProvider(
    ISigningKeyStore store,
    SecretProtector protector,
    IOptions<LogoutEnricherOptions> options,
    TimeProvider timeProvider,
    ILogger<SigningKeyProvider> logger)
{
    private const string Purpose = "signing-key";

    private volatile KeySet? _keys;

    /// <summary>The key that signs now.</summary>
    public SigningKey Current => Keys.Current;

    /// <summary>The published JWKS document, serialized once per key change.</summary>
    public byte[] JwksDocument => Keys.Jwks;

    private KeySet Keys => _keys ?? throw new InvalidOperationException("Signing keys are not loaded yet.");

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var signing = options.Value.Signing;
        if (!string.IsNullOrEmpty(signing.KeyFile))
        {
            var fromFile = SigningKey.FromPem(signing.Algorithm, await File.ReadAllTextAsync(signing.KeyFile, cancellationToken));
            _keys = new KeySet(fromFile, [fromFile]);
            LogKeyLoaded(logger, fromFile.KeyId, fromFile.Algorithm, "key file");
            return;
        }

        var stored = await LoadStoredAsync(signing.Algorithm, cancellationToken);
        if (stored.Count == 0)
        {
            using var generated = SigningKey.Generate(signing.Algorithm);
            var now = timeProvider.GetUtcNow();
            var record = new StoredSigningKey(generated.KeyId, generated.Algorithm, protector.Protect(generated.ExportPkcs8(), Purpose), now, now, null);
            await store.TryAddAsync(record, cancellationToken);
            LogKeyGenerated(logger, generated.KeyId, generated.Algorithm);

            // Note: re-read rather than use our own, so that replicas racing on first start settle on the same key.
            stored = await LoadStoredAsync(signing.Algorithm, cancellationToken);
        }

        // The oldest active key signs: deterministic across replicas.
        var current = stored.OrderBy(k => k.Record.ActivatesAt).ThenBy(k => k.Record.KeyId, StringComparer.Ordinal).First().Key;
        _keys = new KeySet(current, stored.Select(k => k.Key).ToArray());
        LogKeyLoaded(logger, current.KeyId, current.Algorithm, "store");
    }

    private async Task<List<(StoredSigningKey Record, SigningKey Key)>> LoadStoredAsync(string algorithm, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var records = await store.GetAllAsync(cancellationToken);
        return records
            .Where(r => r.Algorithm == algorithm && r.ActivatesAt <= now && (r.RetiresAt is null || r.RetiresAt > now))
            .Select(r => (r, SigningKey.FromPkcs8(r.Algorithm, protector.Unprotect(r.ProtectedPrivateKey, Purpose))))
            .ToList();
    }

    private sealed class KeySet
    {
        public KeySet(SigningKey current, IReadOnlyList<SigningKey> published)
        {
            Current = current;
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("keys");
                foreach (var key in published)
                {
                    key.WritePublicJwk(writer);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            Jwks = buffer.ToArray();
        }

        public SigningKey Current { get; }

        public byte[] Jwks { get; }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Signing key {KeyId} ({Algorithm}) generated")]
    private static partial void LogKeyGenerated(ILogger logger, string keyId, string algorithm);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Signing key {KeyId} ({Algorithm}) loaded from {Source}")]
    private static partial void LogKeyLoaded(ILogger logger, string keyId, string algorithm, string source);
}
