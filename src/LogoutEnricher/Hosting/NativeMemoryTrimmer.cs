using System.Runtime.InteropServices;
using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Hosting.Storage;

namespace LogoutEnricher.Hosting;

/// <summary>
/// Gives the memory that native code freed back to the operating system, every <see cref="TrimInterval"/>, where the C
/// library is glibc. SQLite's page caches and OpenSSL's buffers are allocated with malloc on whichever thread-pool
/// thread runs the call; glibc keeps what they free in that thread's arena and returns on its own only the top of
/// the arena, never the free pages inside it, so after a mass logout a replica went on holding tens of MiB it no
/// longer used (docs/PERFORMANCE.md). <c>malloc_trim</c> returns those pages; the next allocation that needs one
/// takes a fresh zeroed page from the kernel. Elsewhere (musl, Windows, macOS) it does nothing.
/// </summary>
internal sealed class NativeMemoryTrimmer(StoreFailures failures, TimeProvider timeProvider, ILogger<NativeMemoryTrimmer> logger)
    : PeriodicWorker(failures, timeProvider, logger)
{
    /// <summary>
    /// How often: short enough that the peak of a sign-out-all is not what the arenas hoarded between two trims, long
    /// enough to cost nothing measurable (one call walks the arenas' free lists).
    /// </summary>
    internal static readonly TimeSpan TrimInterval = TimeSpan.FromSeconds(1);

    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Runs one trim now; false where there is nothing to call (not glibc).</summary>
    internal static bool TrimNow()
    {
        if (_unavailable)
        {
            return false;
        }

        try
        {
            _ = MallocTrim(0);
            return true;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // Note: musl has no malloc_trim; its allocator returns freed memory by itself.
            _unavailable = true;
            return false;
        }
    }

    protected override string Name => "native_memory_trim";

    protected override string StoreFailureConsequence => "none: no store is used";

    protected override TimeSpan Interval => TrimInterval;

    protected override bool Enabled => !_unavailable;

    /// <summary>
    /// The first trim one interval after start: the start-up's own freed memory is not worth holding up the first
    /// answers for, and a process that starts is not yet where memory peaks.
    /// </summary>
    protected override bool WaitBeforeFirstTurn => true;

    protected override Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        TrimNow();
        return Task.FromResult(false);
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
