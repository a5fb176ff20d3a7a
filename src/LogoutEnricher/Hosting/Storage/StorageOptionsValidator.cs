using LogoutEnricher.Hosting;
using LogoutEnricher.Protocol;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting.Storage;

/// <summary>
/// Checks <c>LogoutEnricher:Storage</c> at startup, together with the chosen backend's own section: the backend
/// project owns those rules (its <c>IValidateOptions</c>), this validator only reports them in the same startup error.
/// </summary>
internal sealed class StorageOptionsValidator(StorageBackends backends, IServiceProvider services) : IValidateOptions<StorageOptions>
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

        if (backends.Selected is not { } backend)
        {
            failures.Add($"{Root}:Provider is '{backends.Provider}', which is not a storage backend: use one of {string.Join(", ", backends.All.Select(b => b.Name))}.");
            return OptionsRules.ToResult(failures);
        }

        // Note: a generated key lives beside the files of one machine; replicas sharing a store must share the key
        // too, or each would fail to decrypt what the others wrote.
        if (backend.IsShared && string.IsNullOrEmpty(options.EncryptionKey) && string.IsNullOrEmpty(options.EncryptionKeyFile))
        {
            failures.Add($"{Root}:Provider is {backend.Name} but neither {Root}:EncryptionKey nor {Root}:EncryptionKeyFile is set: every replica needs the same key; generate one with 'openssl rand -base64 32'.");
        }

        try
        {
            backend.Validate(services);
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
