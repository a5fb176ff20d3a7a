using System.Text;
using LogoutEnricher.Delivery;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting.BackgroundWork;

/// <summary>
/// The one name this replica takes every lease in the store under (outbox entries, fan-out jobs, the reconciliation
/// turn). A stable name lets a replica that starts again (after a crash or
/// a kill -9) take back at once the leases it held, instead of leaving its in-flight logouts to wait out a whole lease.
/// </summary>
/// <remarks>
/// In order: <c>Delivery:ReplicaId</c> when set; else an id persisted in <see cref="FileName"/> beside an embedded
/// database (one machine, so its data directory is the replica) or, with a shared store, in the content root's
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
        StorageBackends backends,
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

        // Note: the directory where an embedded backend keeps its files (the one a generated key may live in) is this
        // machine's; a shared backend has none, so the content root's data directory names the host.
        var local = backends.Selected?.GeneratedKeyDirectory(services, environment.ContentRootPath);
        var directory = local ?? Path.Combine(environment.ContentRootPath, "data");
        try
        {
            (_hold, var id) = Claim(Path.Combine(directory, FileName));
            Owner = local is not null ? "data/" + id : $"{Environment.MachineName}/{id}";
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
