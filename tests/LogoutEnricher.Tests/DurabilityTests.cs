using LogoutEnricher.Hosting.Durability;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Tests;

public sealed class DurabilityTests
{
    private static readonly DurabilityFinding SynchronousCommitOff = new("synchronous_commit", "off", "set it on", Fatal: true);
    private static readonly DurabilityFinding NoAppendOnlyFile = new("appendonly", "no", "set appendonly yes", Fatal: false);

    [Fact]
    public async Task StartupCheck_FatalFinding_RefusesToStartNamingTheSettingAndTheWayOut()
    {
        var check = StartupCheck(Reading(SynchronousCommitOff), allowNotDurable: false);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => check.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("synchronous_commit=off", exception.Message, StringComparison.Ordinal);
        Assert.Contains("LogoutEnricher:Durability:AllowNotDurable", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartupCheck_FatalFindingAllowed_Starts()
    {
        var check = StartupCheck(Reading(SynchronousCommitOff), allowNotDurable: true);

        await check.StartAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StartupCheck_ServerWideFinding_StartsWithAWarning()
    {
        var check = StartupCheck(Reading(NoAppendOnlyFile), allowNotDurable: false);

        await check.StartAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task StartupCheck_StoreDoesNotAnswer_Starts()
    {
        var check = new DurabilityStartupCheck(Monitor(new FakeDurability(null)), Options(false), NullLogger<DurabilityStartupCheck>.Instance);

        await check.StartAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task HealthCheck_NotDurable_IsDegradedWithTheSettingsAndTheAdvice()
    {
        var health = new DurabilityHealthCheck(Monitor(new FakeDurability(Reading(NoAppendOnlyFile))));

        var result = await health.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("appendonly=no: set appendonly yes", result.Description, StringComparison.Ordinal);
        Assert.Equal("no", result.Data["appendonly"]);
    }

    [Fact]
    public async Task HealthCheck_Durable_IsHealthyAndNamesTheWindow()
    {
        var health = new DurabilityHealthCheck(Monitor(new FakeDurability(Reading())));

        var result = await health.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("the window", result.Data["window"]);
    }

    private static StorageDurability Reading(params DurabilityFinding[] findings) =>
        new(new Dictionary<string, string> { ["appendonly"] = findings.Length == 0 ? "yes" : "no" }, findings, "the window");

    private static DurabilityStartupCheck StartupCheck(StorageDurability reading, bool allowNotDurable) =>
        new(Monitor(new FakeDurability(reading)), Options(allowNotDurable), NullLogger<DurabilityStartupCheck>.Instance);

    private static DurabilityMonitor Monitor(IStorageDurability storage) => new(storage, Options(false), TimeProvider.System);

    private static IOptions<DurabilityOptions> Options(bool allowNotDurable) =>
        Microsoft.Extensions.Options.Options.Create(new DurabilityOptions { AllowNotDurable = allowNotDurable });

    /// <summary>Answers <paramref name="reading"/>, or, when it is null, throws as an unreachable store does.</summary>
    private sealed class FakeDurability(StorageDurability? reading) : IStorageDurability
    {
        public Task<StorageDurability> CheckAsync(CancellationToken cancellationToken = default) =>
            reading is null ? throw new StorageUnavailableException("the store does not answer") : Task.FromResult(reading);
    }
}
