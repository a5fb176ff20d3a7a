using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Hosting.Security;

/// <summary>
/// The previous storage encryption keys (<c>Storage:PreviousEncryptionKeys</c> and <c>Storage:PreviousEncryptionKeyFiles</c>):
/// they only decrypt rows written before the current key.
/// </summary>
internal static class EncryptionKeyRollover
{
    /// <exception cref="InvalidOperationException">A previous key is not the base64 of 32 bytes; the message names the key to fix.</exception>
    public static IReadOnlyList<byte[]> Load(StorageOptions options, string contentRoot)
    {
        var keys = new List<byte[]>();
        for (var i = 0; i < options.PreviousEncryptionKeys.Count; i++)
        {
            keys.Add(Decode(options.PreviousEncryptionKeys[i], $"{StorageOptions.SectionName}:PreviousEncryptionKeys:{i}"));
        }

        for (var i = 0; i < options.PreviousEncryptionKeyFiles.Count; i++)
        {
            var path = Path.GetFullPath(options.PreviousEncryptionKeyFiles[i], contentRoot);
            var name = $"{StorageOptions.SectionName}:PreviousEncryptionKeyFiles:{i} ('{path}')";
            keys.Add(File.Exists(path) ? Decode(File.ReadAllText(path).Trim(), name) : throw new InvalidOperationException($"{name} does not exist: mount the previous key there or remove the entry."));
        }

        return keys;
    }

    private static byte[] Decode(string value, string name)
    {
        var buffer = new byte[64];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == 32
            ? buffer[..32]
            : throw new InvalidOperationException($"{name} is not the base64 of 32 bytes: copy the previous Storage:EncryptionKey exactly.");
    }
}
