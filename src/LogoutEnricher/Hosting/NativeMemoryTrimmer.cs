using System.Runtime.InteropServices;
using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Hosting.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting;

/// <summary>
/// Gives the memory that native code freed back to the operating system, every <see cref="MemoryOptions.TrimInterval"/>,
/// where the C library is glibc. SQLite's page caches and OpenSSL's buffers are allocated with malloc on whichever
/// thread-pool thread runs the call, in one of glibc's arenas; glibc returns on its own only the top of an arena, never
/// the free pages inside it, so after a mass logout a replica went on holding memory it no longer used
/// (docs/PERFORMANCE.md). <c>malloc_trim</c> returns those pages (it locks each arena in turn while it walks its free
/// chunks); the next allocation that needs one takes a fresh zeroed page from the kernel. Elsewhere (musl, Windows,
/// macOS) the worker does not run. One trim per interval per process, however many hosts it runs.
/// </summary>
internal sealed class NativeMemoryTrimmer(IOptions<MemoryOptions> options, StoreFailures failures, TimeProvider timeProvider, ILogger<NativeMemoryTrimmer> logger)
    : PeriodicWorker(failures, timeProvider, logger)
{
    /// <summary>Whether this process's C library has <c>malloc_trim</c> (glibc): looked up once, without calling it.</summary>
    internal static readonly bool Available = OperatingSystem.IsLinux()
        && NativeLibrary.TryLoad("libc.so.6", out var libc)
        && NativeLibrary.TryGetExport(libc, "malloc_trim", out _);

    /// <summary>When this process last trimmed, or 0: the first turn comes an interval after start, so it trims.</summary>
    private static long _lastTrim;

    /// <summary>Runs one trim now; false where there is nothing to call (not glibc).</summary>
    internal static bool TrimNow()
    {
        if (!Available)
        {
            return false;
        }

        _ = MallocTrim(0);
        return true;
    }

    protected override string Name => "native_memory_trim";

    protected override string StoreFailureConsequence => "none: no store is used";

    protected override TimeSpan Interval => options.Value.TrimInterval;

    protected override bool Enabled => Available && options.Value.TrimInterval > TimeSpan.Zero;

    /// <summary>
    /// The first trim one interval after start: the start-up's own freed memory is not worth holding up the first
    /// answers for, and a process that starts is not yet where memory peaks.
    /// </summary>
    protected override bool WaitBeforeFirstTurn => true;

    protected override Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        // Note: hosts in one process (tests, a tool hosting several) share its arenas: one trim per interval serves all.
        var now = Time.GetTimestamp();
        var last = Interlocked.Read(ref _lastTrim);
        if (Time.GetElapsedTime(last, now) >= Interval * 0.9 && Interlocked.CompareExchange(ref _lastTrim, now, last) == last)
        {
            TrimNow();
        }

        return Task.FromResult(false);
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
