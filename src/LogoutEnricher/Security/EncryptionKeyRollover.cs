using Microsoft.Extensions.Options;

namespace LogoutEnricher.Security;

/// <summary>
/// Keys that encrypted rows before the current <c>Storage:EncryptionKey</c>, bound from <c>LogoutEnricher:Storage</c>.
/// They only decrypt: every new value is encrypted with the current key, and a protected value names its key, so
/// rows written under any listed key stay readable until they expire.
/// </summary>
public sealed class EncryptionKeyRolloverOptions
{
    public const string SectionName = "LogoutEnricher:Storage";

    /// <summary>Previous keys, each the base64 of 32 bytes. Default: none.</summary>
    public List<string> PreviousEncryptionKeys { get; init; } = [];

    /// <summary>Files each holding one previous key (base64), e.g. mounted secrets. Default: none.</summary>
    public List<string> PreviousEncryptionKeyFiles { get; init; } = [];
}

internal static class EncryptionKeyRollover
{
    /// <exception cref="InvalidOperationException">A previous key is not the base64 of 32 bytes; the message names the key to fix.</exception>
    public static IReadOnlyList<byte[]> Load(EncryptionKeyRolloverOptions options, string contentRoot)
    {
        var keys = new List<byte[]>();
        for (var i = 0; i < options.PreviousEncryptionKeys.Count; i++)
        {
            keys.Add(Decode(options.PreviousEncryptionKeys[i], $"{EncryptionKeyRolloverOptions.SectionName}:PreviousEncryptionKeys:{i}"));
        }

        for (var i = 0; i < options.PreviousEncryptionKeyFiles.Count; i++)
        {
            var path = Path.GetFullPath(options.PreviousEncryptionKeyFiles[i], contentRoot);
            var name = $"{EncryptionKeyRolloverOptions.SectionName}:PreviousEncryptionKeyFiles:{i} ('{path}')";
            keys.Add(File.Exists(path) ? Decode(File.ReadAllText(path).Trim(), name) : throw new InvalidOperationException($"{name} does not exist: mount the previous key there or remove the entry."));
        }

        return keys;
    }

    public static IReadOnlyList<byte[]> Load(IServiceProvider services) => Load(
        services.GetRequiredService<IOptions<EncryptionKeyRolloverOptions>>().Value,
        services.GetRequiredService<IHostEnvironment>().ContentRootPath);

    private static byte[] Decode(string value, string name)
    {
        var buffer = new byte[64];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == 32
            ? buffer[..32]
            : throw new InvalidOperationException($"{name} is not the base64 of 32 bytes: copy the previous Storage:EncryptionKey exactly.");
    }
}
