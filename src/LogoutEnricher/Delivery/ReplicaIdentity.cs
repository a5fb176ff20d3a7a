using System.Text;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Storage;
using LogoutEnricher.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Delivery;

/// <summary>
/// The name this replica leases outbox entries under. A stable name lets a replica that starts again (after a crash or
/// a kill -9) take back at once the leases it held, instead of leaving its in-flight logouts to wait out a whole lease.
/// </summary>
/// <remarks>
/// In order: <c>Delivery:ReplicaId</c> when set; else an id persisted in <see cref="FileName"/> beside the SQLite file
/// (SQLite is one machine, so its data directory is the replica) or, with a shared store, in the content root's
/// <c>data</c> directory and prefixed with the machine name. The file is held open exclusively for the process's life:
/// a second process on the same directory (or a second host in one test process) cannot take the name, and gets a
/// random one instead, so two running replicas never share leases. The OS drops the hold when a process dies.
/// </remarks>
internal sealed partial class ReplicaIdentity : IDisposable
{
    public const string FileName = "replica-id";

    private readonly FileStream? _hold;

    public ReplicaIdentity(
        IOptions<DeliveryOptions> delivery,
        IOptions<StorageOptions> storage,
        IServiceProvider services,
        IHostEnvironment environment,
        ILogger<ReplicaIdentity> logger)
    {
        if (!string.IsNullOrWhiteSpace(delivery.Value.ReplicaId))
        {
            Owner = "replica/" + delivery.Value.ReplicaId;
            IsStable = true;
            return;
        }

        var sqlite = storage.Value.Provider == StorageProvider.Sqlite;
        var directory = sqlite
            ? Path.GetDirectoryName(Path.GetFullPath(services.GetRequiredService<IOptions<SqliteStorageOptions>>().Value.Path, environment.ContentRootPath))!
            : Path.Combine(environment.ContentRootPath, "data");
        try
        {
            (_hold, var id) = Claim(Path.Combine(directory, FileName));
            Owner = sqlite ? "data/" + id : $"{Environment.MachineName}/{id}";
            IsStable = true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
            LogNotPersisted(logger, Path.Combine(directory, FileName), exception.Message);
        }
    }

    /// <summary>The lease owner: the same after a restart when <see cref="IsStable"/>, else new for every start.</summary>
    public string Owner { get; }

    /// <summary>Whether the leases found under <see cref="Owner"/> at start are this replica's own, from before it stopped.</summary>
    public bool IsStable { get; }

    public void Dispose() => _hold?.Dispose();

    private static (FileStream Hold, string Id) Claim(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var hold = new FileStream(path, options);
        try
        {
            using var reader = new StreamReader(hold, Encoding.ASCII, leaveOpen: true);
            var id = reader.ReadToEnd().Trim();
            if (!Guid.TryParseExact(id, "N", out _))
            {
                // Note: a new file, or one cut short by a crash while it was written: a new name.
                id = Guid.NewGuid().ToString("N");
                hold.SetLength(0);
                hold.Write(Encoding.ASCII.GetBytes(id));
                hold.Flush(flushToDisk: true);
            }

            return (hold, id);
        }
        catch
        {
            hold.Dispose();
            throw;
        }
    }

    [LoggerMessage(EventId = EventIds.ReplicaIdentityNotPersisted, EventName = nameof(EventIds.ReplicaIdentityNotPersisted), Level = LogLevel.Information,
        Message = "No stable replica identity from {Path} ({Reason}): after an abrupt stop this replica's in-flight logouts wait for their leases to expire; set Delivery:ReplicaId to name it")]
    private static partial void LogNotPersisted(ILogger logger, string path, string reason);
}
