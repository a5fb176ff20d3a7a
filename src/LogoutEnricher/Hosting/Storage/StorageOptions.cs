using LogoutEnricher.Storage;

namespace LogoutEnricher.Hosting.Storage;

/// <summary>
/// Where mappings, the replay cache, the outbox and signing keys live, and how they are encrypted at rest (section
/// <c>LogoutEnricher:Storage</c>). Each backend binds its own subsection (<c>Storage:Sqlite</c>, <c>Storage:Redis</c>,
/// <c>Storage:PostgreSql</c>) in its own project.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "LogoutEnricher:Storage";

    /// <summary>
    /// The backend, by name (case-insensitive): <c>Sqlite</c> (an embedded database file: one machine, one replica),
    /// <c>Redis</c> or <c>PostgreSql</c> (a shared server: several replicas). Default: <c>Sqlite</c>.
    /// </summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Base64 of 32 random bytes that encrypt application session ids and keys at rest. Default: none.</summary>
    public string? EncryptionKey { get; set; }

    /// <summary>A file holding the encryption key (base64). Default: none; with SQLite one is created beside the database.</summary>
    public string? EncryptionKeyFile { get; set; }

    /// <summary>
    /// Keys that encrypted rows before the current <see cref="EncryptionKey"/>, each the base64 of 32 bytes. They only
    /// decrypt: every new value is encrypted with the current key, and a protected value names its key, so rows
    /// written under any listed key stay readable until they expire. Default: none.
    /// </summary>
    public List<string> PreviousEncryptionKeys { get; init; } = [];

    /// <summary>Files each holding one previous key (base64), e.g. mounted secrets. Default: none.</summary>
    public List<string> PreviousEncryptionKeyFiles { get; init; } = [];

    /// <summary>
    /// How long a store call of an HTTP request may wait for a busy store (SQLite's database locked by another process)
    /// before the request is answered as temporarily unavailable. Below Keycloak's 5 s socket timeout, so that Keycloak
    /// reads <c>400 temporarily_unavailable</c> instead of timing out. Must be positive. Default: 2 s.
    /// </summary>
    public TimeSpan RequestWaitLimit { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often expired rows are purged. Default: 5 min.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(5);
}
