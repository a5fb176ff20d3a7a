using System.Text.Json;
using LogoutEnricher.Delivery.Signing;
using LogoutEnricher.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// Replicas that start at the same moment on an empty shared store: the store decides which one creates the signing
/// key, so all of them sign with it and publish the same JWKS from their first request on.
/// </summary>
public sealed class ReplicasStartingTogetherTests
{
    private const int Replicas = 2;

    public static TheoryData<string> Backends => ["Sqlite", "Redis", "PostgreSql"];

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Start_TwoReplicasTogetherOnAnEmptyStore_SignWithOneKeyAndPublishTheSameJwks(string provider)
    {
        await using var backend = provider == "Sqlite" ? null : SharedBackend.Of(provider);
        await using var env = await TestEnvironment.StartAsync();
        var sharedFile = Path.Combine(env.DataDirectory, "shared", "logoutenricher.db");
        void SharedStore(Dictionary<string, string?> settings)
        {
            if (backend is null)
            {
                settings["LogoutEnricher:Storage:Sqlite:Path"] = sharedFile;
            }
            else
            {
                backend.Configure(settings);
            }
        }

        using var start = new ManualResetEventSlim();
        var starting = Enumerable.Range(0, Replicas).Select(_ => Task.Run(() =>
        {
            start.Wait(TestContext.Current.CancellationToken);
            var replica = env.StartReplica(out var client, SharedStore);
            return (replica, client);
        })).ToList();
        start.Set();
        var started = await Task.WhenAll(starting);
        try
        {
            var signers = started.Select(r => r.replica.Services.GetRequiredService<SigningKeyProvider>().Current.KeyId).ToList();
            var published = new List<string[]>();
            foreach (var (_, client) in started)
            {
                published.Add(await KeyIdsAsync(client));
            }

            Assert.Single(signers.Distinct());
            Assert.All(published, kids => Assert.Equal([signers[0]], kids));
        }
        finally
        {
            foreach (var (replica, client) in started)
            {
                client.Dispose();
                await replica.DisposeAsync();
            }
        }
    }

    private static async Task<string[]> KeyIdsAsync(HttpClient client)
    {
        using var jwks = JsonDocument.Parse(await client.GetStringAsync("/.well-known/jwks.json", TestContext.Current.CancellationToken));
        return [.. jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).Order(StringComparer.Ordinal)];
    }
}
