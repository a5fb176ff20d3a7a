using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using LogoutEnricher.Hosting;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Tests;

[CollectionDefinition(nameof(MeasuresOwnResidentMemory), DisableParallelization = true)]
public sealed class MeasuresOwnResidentMemory;

/// <summary>
/// What native code frees inside a malloc arena stays resident under glibc until it is trimmed: the sidecar's trimmer
/// must give it back while it runs. Resident memory is this process's own (/proc/self/status), so these tests run
/// alone in their assembly.
/// </summary>
[Collection(nameof(MeasuresOwnResidentMemory))]
public sealed class NativeMemoryTrimmerTests
{
    private const int BlockBytes = 64 * 1024;
    private const int Blocks = 640;
    private const long FreedBytes = (long)BlockBytes * Blocks;

    [Fact]
    public async Task MemoryFreedInsideAnArena_IsGivenBackWhileTheTrimmerRuns()
    {
        SkipUnlessGlibcWithDefaultThresholds();
        var pin = await OnOwnThread(AllocateTouchAndFreeBelowAPin);
        try
        {
            var held = ResidentAnonymousBytes();
            using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
            using var trimmer = Trimmer(meters, new MemoryOptions());
            await trimmer.StartAsync(TestContext.Current.CancellationToken);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            var now = held;
            while (DateTime.UtcNow < deadline && held - now < FreedBytes * 3 / 4)
            {
                await Task.Delay(new MemoryOptions().TrimInterval, TestContext.Current.CancellationToken);
                now = ResidentAnonymousBytes();
            }

            await trimmer.StopAsync(CancellationToken.None);
            Assert.True(held - now >= FreedBytes * 3 / 4,
                $"resident anonymous memory went from {held / 1024} KiB to {now / 1024} KiB; {FreedBytes / 1024} KiB had been freed inside an arena");
        }
        finally
        {
            Free(pin);
        }
    }

    [Fact]
    public async Task MemoryFreedInsideAnArena_StaysResidentWithTheTrimmerTurnedOff()
    {
        // Also the control: glibc does not return it by itself, so the test above measures the trimmer, not malloc.
        SkipUnlessGlibcWithDefaultThresholds();
        var before = ResidentAnonymousBytes();
        var pin = await OnOwnThread(AllocateTouchAndFreeBelowAPin);
        try
        {
            using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
            using var trimmer = Trimmer(meters, new MemoryOptions { TrimInterval = TimeSpan.Zero });
            await trimmer.StartAsync(TestContext.Current.CancellationToken);
            await Task.Delay(new MemoryOptions().TrimInterval * 3, TestContext.Current.CancellationToken);
            await trimmer.StopAsync(CancellationToken.None);
            var after = ResidentAnonymousBytes();
            Assert.True(after - before >= FreedBytes * 3 / 4,
                $"resident anonymous memory went from {before / 1024} KiB to {after / 1024} KiB; glibc returned what was freed without a trim");
        }
        finally
        {
            Free(pin);
            NativeMemoryTrimmer.TrimNow();
        }
    }

    [Theory]
    [InlineData("00:00:01", true)]
    [InlineData("00:00:00", true)]
    [InlineData("-00:00:01", false)]
    public void TrimInterval_IsZeroOrPositive(string interval, bool valid)
    {
        var result = new MemoryOptionsValidator().Validate(null, new MemoryOptions { TrimInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(valid, result.Succeeded);
        Assert.True(valid || result.FailureMessage!.Contains("LogoutEnricher:Memory:TrimInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void TheSidecar_RunsTheTrimmer()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLogoutEnricher(new ConfigurationBuilder().Build());

        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(NativeMemoryTrimmer));
    }

    /// <summary>
    /// Allocates <see cref="Blocks"/> blocks below the malloc threshold for mmap (so they come from an arena), touches
    /// every page, allocates one more above them that keeps the arena's top in use, and frees the large ones: they
    /// merge into one free chunk inside the arena, which glibc does not return by itself.
    /// </summary>
    private static nint AllocateTouchAndFreeBelowAPin()
    {
        var ones = new byte[BlockBytes];
        Array.Fill(ones, (byte)1);
        var blocks = new nint[Blocks];
        for (var i = 0; i < Blocks; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(BlockBytes);
            Marshal.Copy(ones, 0, blocks[i], BlockBytes);
        }

        // Note: a block of the same size, carved after them from the arena's top, not a small one (malloc could take
        // that from any free chunk lower down).
        var pin = Marshal.AllocHGlobal(BlockBytes);
        foreach (var block in blocks)
        {
            Marshal.FreeHGlobal(block);
        }

        return pin;
    }

    private static void Free(nint pin) => Marshal.FreeHGlobal(pin);

    private static NativeMemoryTrimmer Trimmer(ServiceProvider meters, MemoryOptions options)
    {
        var metrics = new LogoutEnricherMetrics(meters.GetRequiredService<IMeterFactory>(), new OutboxGauges(meters, TimeProvider.System));
        return new NativeMemoryTrimmer(Options.Create(options), new StoreFailures(metrics, NullLogger<StoreFailures>.Instance), TimeProvider.System,
            NullLogger<NativeMemoryTrimmer>.Instance);
    }

    /// <summary>
    /// glibc only (musl returns freed memory by itself and has no malloc_trim), with its default thresholds: a lower
    /// mmap threshold would give each block its own mapping, returned at once.
    /// </summary>
    private static void SkipUnlessGlibcWithDefaultThresholds()
    {
        Assert.SkipUnless(NativeMemoryTrimmer.Available, "the C library is not glibc: there are no arenas to trim");
        Assert.SkipWhen(Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null || Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is not null,
            "malloc's thresholds are set in the environment");
    }

    /// <summary>Runs on a thread of its own, as a thread-pool thread calling into SQLite would: an arena of its own, or one it shares.</summary>
    private static Task<T> OnOwnThread<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        thread.Start();
        return done.Task;
    }

    private static long ResidentAnonymousBytes() =>
        File.ReadLines("/proc/self/status")
            .Where(line => line.StartsWith("RssAnon:", StringComparison.Ordinal))
            .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024)
            .Single();
}

