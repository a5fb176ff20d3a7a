using System.Diagnostics.Metrics;
using System.Runtime.InteropServices;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.Telemetry;
using LogoutEnricher.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

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
        Assert.SkipUnless(OperatingSystem.IsLinux(), "malloc arenas and /proc are Linux's");
        var pin = await OnOwnThread(AllocateTouchAndFreeBelowAPin);
        try
        {
            var held = ResidentAnonymousBytes();
            using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
            var metrics = new LogoutEnricherMetrics(meters.GetRequiredService<IMeterFactory>(), new OutboxGauges(meters, TimeProvider.System));
            using var trimmer = new NativeMemoryTrimmer(new StoreFailures(metrics, NullLogger<StoreFailures>.Instance), TimeProvider.System, NullLogger<NativeMemoryTrimmer>.Instance);
            await trimmer.StartAsync(TestContext.Current.CancellationToken);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            var now = held;
            while (DateTime.UtcNow < deadline && held - now < FreedBytes * 3 / 4)
            {
                await Task.Delay(NativeMemoryTrimmer.TrimInterval, TestContext.Current.CancellationToken);
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
    public async Task MemoryFreedInsideAnArena_StaysResidentWithoutATrim()
    {
        // The control: glibc does not return it by itself, so the test above measures the trimmer and not malloc.
        Assert.SkipUnless(OperatingSystem.IsLinux(), "malloc arenas and /proc are Linux's");
        var before = ResidentAnonymousBytes();
        var pin = await OnOwnThread(AllocateTouchAndFreeBelowAPin);
        try
        {
            await Task.Delay(NativeMemoryTrimmer.TrimInterval * 2, TestContext.Current.CancellationToken);
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

    /// <summary>Runs on a thread of its own, as a thread-pool thread calling into SQLite would: its own arena.</summary>
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

/// <summary>The runtime settings the sidecar's memory figures depend on, as its build writes them for the runtime.</summary>
public sealed class RuntimeSettingsTests
{
    [Theory]
    [InlineData("System.Runtime.TieredPGO", false)]
    [InlineData("System.GC.Server", false)]
    public void TheSidecarsRuntimeConfiguration_Sets(string name, bool expected)
    {
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "LogoutEnricher.runtimeconfig.json")));
        var properties = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty(name, out var value), $"{name} is not set");
        Assert.Equal(expected, value.GetBoolean());
    }
}
