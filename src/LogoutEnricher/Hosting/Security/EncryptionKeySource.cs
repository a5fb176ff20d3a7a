using System.Security.Cryptography;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Hosting.Security;

/// <summary>
/// Finds the storage encryption key: <c>Storage:EncryptionKey</c>, else <c>Storage:EncryptionKeyFile</c>, else (embedded
/// SQLite only) a key file created once beside the database with owner-only permissions.
/// </summary>
internal static class EncryptionKeySource
{
    public const string GeneratedFileName = "encryption.key";

    /// <param name="generatedKeyDirectory">Where the backend in use lets a generated key live (an embedded database's directory), else null.</param>
    public static byte[] Load(StorageOptions storage, string? generatedKeyDirectory, string contentRoot)
    {
        if (!string.IsNullOrEmpty(storage.EncryptionKey))
        {
            return Convert.FromBase64String(storage.EncryptionKey);
        }

        if (!string.IsNullOrEmpty(storage.EncryptionKeyFile))
        {
            return ReadKeyFile(Path.GetFullPath(storage.EncryptionKeyFile, contentRoot));
        }

        if (generatedKeyDirectory is not { } directory)
        {
            // The validator asks a shared backend for a key; this only guards a host composed without it.
            throw new InvalidOperationException($"{StorageOptions.SectionName}:EncryptionKey is not set: only the embedded SQLite store may generate one.");
        }

        var path = Path.Combine(directory, GeneratedFileName);
        if (File.Exists(path))
        {
            return ReadKeyFile(path);
        }

        Directory.CreateDirectory(directory);
        var key = RandomNumberGenerator.GetBytes(32);
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, fileOptions);
            writer.Write(Convert.ToBase64String(key));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Note: another process created it first; use theirs so both decrypt the same rows.
            return ReadKeyFile(path);
        }

        return key;
    }

    private static byte[] ReadKeyFile(string path)
    {
        var key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        return key.Length == 32
            ? key
            : throw new InvalidOperationException($"The encryption key file '{path}' does not hold the base64 of 32 bytes.");
    }
}
