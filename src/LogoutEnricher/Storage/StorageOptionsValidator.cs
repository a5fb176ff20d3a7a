using LogoutEnricher.Shared;
using LogoutEnricher.Storage.PostgreSql;
using LogoutEnricher.Storage.Redis;
using LogoutEnricher.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Storage;

/// <summary>
/// Checks <c>LogoutEnricher:Storage</c> at startup, together with the chosen backend's own section: the backend
/// project owns those rules (its <c>IValidateOptions</c>), this validator only reports them in the same startup error.
/// </summary>
internal sealed class StorageOptionsValidator(IServiceProvider services) : IValidateOptions<StorageOptions>
{
    private const string Root = StorageOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        OptionsRules.RequirePositive(failures, $"{Root}:PurgeInterval", options.PurgeInterval);
        OptionsRules.RequirePositive(failures, $"{Root}:RequestWaitLimit", options.RequestWaitLimit);
        if (options.EncryptionKey is { Length: > 0 } key && !IsValidKey(key))
        {
            failures.Add($"{Root}:EncryptionKey is not the base64 of 32 bytes: generate one with 'openssl rand -base64 32'.");
        }

        // Note: a generated key lives beside the SQLite file of one machine; replicas sharing a store must share the
        // key too, or each would fail to decrypt what the others wrote.
        if (options.Provider != StorageProvider.Sqlite && string.IsNullOrEmpty(options.EncryptionKey) && string.IsNullOrEmpty(options.EncryptionKeyFile))
        {
            failures.Add($"{Root}:Provider is {options.Provider} but neither {Root}:EncryptionKey nor {Root}:EncryptionKeyFile is set: every replica needs the same key; generate one with 'openssl rand -base64 32'.");
        }

        try
        {
            // Resolving the backend's options runs its validator.
            _ = options.Provider switch
            {
                StorageProvider.Redis => (object?)services.GetService<IOptions<RedisStorageOptions>>()?.Value,
                StorageProvider.PostgreSql => services.GetService<IOptions<PostgreSqlStorageOptions>>()?.Value,
                _ => services.GetService<IOptions<SqliteStorageOptions>>()?.Value,
            };
        }
        catch (OptionsValidationException exception)
        {
            failures.AddRange(exception.Failures);
        }

        return OptionsRules.ToResult(failures);
    }

    private static bool IsValidKey(string key)
    {
        Span<byte> buffer = stackalloc byte[64];
        return Convert.TryFromBase64String(key, buffer, out var written) && written == 32;
    }
}
