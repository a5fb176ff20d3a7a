using System.Runtime.InteropServices;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>
/// Which file a path names right now: device and inode where the platform tells them (Linux), otherwise only whether
/// it exists. A database file deleted or replaced under the running process names another identity (or none), while
/// SQLite's pooled connections go on using the unlinked file without an error.
/// </summary>
internal readonly record struct SqliteFileIdentity(ulong Device, ulong Inode)
{
    // Note: glibc (2.33 and later) and musl export stat; on x86-64 and arm64 both lay out st_dev then st_ino, 8 bytes
    // each, at the start of struct stat, whatever follows. The buffer is larger than any struct stat.
    private const int StatBufferBytes = 256;

    private static bool _statUnavailable = !OperatingSystem.IsLinux();

    /// <summary>The identity of the file at <paramref name="path"/>; null when no file is there.</summary>
    public static SqliteFileIdentity? Of(string path)
    {
        if (!_statUnavailable)
        {
            try
            {
                Span<byte> buffer = stackalloc byte[StatBufferBytes];
                return Stat(path, ref MemoryMarshal.GetReference(buffer)) == 0
                    ? new SqliteFileIdentity(BitConverter.ToUInt64(buffer[..8]), BitConverter.ToUInt64(buffer[8..16]))
                    : null;
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                _statUnavailable = true;
            }
        }

        return File.Exists(path) ? new SqliteFileIdentity(0, 0) : null;
    }

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, ref byte buffer);
}
