using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using LogoutEnricher.Delivery.Signing;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LogoutEnricher.IntegrationTests;

public sealed class KeyRotationTests : IAsyncLifetime
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(30);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await TestEnvironment.StartAsync(
        settings =>
        {
            settings["LogoutEnricher:RateLimiting:Logout:PermitsPerSecond"] = "0";
            settings["LogoutEnricher:Signing:RotationPeriod"] = "1.00:00:00";
            settings["LogoutEnricher:Signing:PublishBefore"] = "04:00:00";
            settings["LogoutEnricher:Signing:RetiredKeyGrace"] = "02:00:00";
            settings["LogoutEnricher:Signing:RefreshInterval"] = "00:10:00";
        },
        services => services.AddSingleton<TimeProvider>(_time));

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task Rotation_WhileLogoutsFlow_EveryDeliveredTokenVerifiesAndKeysArePublishedBeforeAndAfterTheySign()
    {
        var keys = _env.Services.GetRequiredService<SigningKeyProvider>();
        var published = new List<HashSet<string>>();
        var signedBy = new List<string>();
        var background = new ConcurrentQueue<HttpStatusCode>();
        using var stop = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await _env.SendLogoutAsync(Token(TimeSpan.FromDays(30)));
                background.Enqueue(response.StatusCode);
                await Task.Delay(5);
            }
        });

        for (var step = 0; step < TimeSpan.FromDays(3.5) / Step; step++)
        {
            _time.Advance(Step);
            await keys.RefreshAsync(CancellationToken.None);
            published.Add(await PublishedKidsAsync());
            var before = _env.App.Received.Count;
            using var response = await _env.SendLogoutAsync(Token(TimeSpan.FromMinutes(2)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            signedBy.Add(_env.App.Received.Skip(before).Last().Token.Kid);
        }

        await stop.CancelAsync();
        await sender;

        Assert.All(_env.App.Received, received => Assert.True(received.Valid, received.Error));
        Assert.NotEmpty(background);
        Assert.All(background, status => Assert.Equal(HttpStatusCode.OK, status));
        var signers = signedBy.Distinct().ToList();
        Assert.True(signers.Count >= 3, $"only {signers.Count} keys signed in 3.5 days with a 1-day rotation");
        foreach (var kid in signers.Skip(1))
        {
            var first = signedBy.IndexOf(kid);
            Assert.True(first >= 4 && published[first - 4].Contains(kid), $"{kid} signed at step {first} without being published 2 hours before");
        }

        foreach (var kid in signers.SkipLast(1))
        {
            var last = signedBy.LastIndexOf(kid);
            Assert.Contains(kid, published[last + 1]);
        }

        Assert.DoesNotContain(signers[0], published[^1]);
    }

    [Fact]
    public async Task Rotation_TwoReplicasOverOneStore_AgreeOnSigningKeyAndJwksAtEveryStep()
    {
        var first = _env.Services.GetRequiredService<SigningKeyProvider>();
        using var second = ActivatorUtilities.CreateInstance<SigningKeyProvider>(_env.Services);
        await second.InitializeAsync(CancellationToken.None);
        var signers = new HashSet<string>();

        for (var step = 0; step < TimeSpan.FromDays(4) / Step; step++)
        {
            _time.Advance(Step);
            var (a, b) = step % 2 == 0 ? (first, second) : (second, first);
            await Task.WhenAll(a.RefreshAsync(CancellationToken.None), b.RefreshAsync(CancellationToken.None));
            await a.RefreshAsync(CancellationToken.None);
            await b.RefreshAsync(CancellationToken.None);

            Assert.Equal(first.Current.KeyId, second.Current.KeyId);
            Assert.Equal(first.JwksDocument, second.JwksDocument);
            signers.Add(first.Current.KeyId);
        }

        Assert.True(signers.Count >= 4);
    }

    [Fact]
    public async Task Refresh_TwoActiveKeysLeftByAnEarlierRace_RetiresTheOneThatDoesNotSignAndDropsItAfterTheGrace()
    {
        var keys = _env.Services.GetRequiredService<SigningKeyProvider>();
        var store = _env.Services.GetRequiredService<LogoutEnricher.Storage.ISigningKeyStore>();
        var first = Assert.Single(await store.GetAllAsync());
        using var generated = SigningKey.Generate(first.Algorithm);
        var protector = _env.Services.GetRequiredService<LogoutEnricher.Hosting.Security.SecretProtector>();
        var raced = new LogoutEnricher.Storage.StoredSigningKey(
            generated.KeyId, first.Algorithm, protector.Protect(generated.ExportPkcs8(), LogoutEnricher.Hosting.Security.ProtectionPurposes.SigningKey),
            first.CreatedAt, first.ActivatesAt - TimeSpan.FromSeconds(1), null);
        await store.TryAddAsync(raced);

        _time.Advance(TimeSpan.FromMinutes(1));
        await keys.RefreshAsync(CancellationToken.None);

        var retired = (await store.GetAllAsync()).Single(k => k.KeyId == raced.KeyId);
        Assert.NotNull(retired.RetiresAt);
        Assert.InRange(retired.RetiresAt.Value, _time.GetUtcNow() - TimeSpan.FromMilliseconds(1), _time.GetUtcNow());
        Assert.Equal(first.KeyId, keys.Current.KeyId);
        Assert.Contains(raced.KeyId, await PublishedKidsAsync());

        _time.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        await keys.RefreshAsync(CancellationToken.None);

        Assert.DoesNotContain(raced.KeyId, await PublishedKidsAsync());
    }

    private string Token(TimeSpan lifetime) => _env.Keycloak.LogoutToken().IssuedAt(_time, lifetime).Sign();

    private async Task<HashSet<string>> PublishedKidsAsync()
    {
        using var jwks = JsonDocument.Parse(await _env.Client.GetStringAsync("/.well-known/jwks.json"));
        return jwks.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!).ToHashSet();
    }
}
