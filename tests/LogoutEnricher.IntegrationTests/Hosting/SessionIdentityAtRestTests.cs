using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Storage;
using LogoutEnricher.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// Through the whole sidecar: the provider's sid and sub are kept as keyed hashes with an encrypted
/// copy, mappings stored in clear by an earlier version are moved at startup, and a key rollover loses no lookup.
/// </summary>
public sealed class SessionIdentityAtRestTests
{
    private const string ApiKey = "admin-key-of-the-at-rest-tests";
    private static readonly string KeyA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KeyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task Capture_SidAndSubject_AreNotInTheDatabaseFilesAndTheLogoutStillFindsThem()
    {
        await using var env = await TestEnvironment.StartAsync(EnableAdmin);
        await env.LoginAsync(The.ClientId, The.AppSessionId);

        var atRest = ReadDatabaseFiles(env);
        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());

        Assert.DoesNotContain(The.Sid, atRest, StringComparison.Ordinal);
        Assert.DoesNotContain(The.Subject, atRest, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(env.App.Received);
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
        Assert.Equal((The.Sid, The.Subject), (received.Token.GetClaim("sid").Value, received.Token.Subject));
    }

    [Fact]
    public async Task Startup_MappingStoredInClearByThePreviousVersion_IsMovedThenFoundByAdminViewsAndLogout()
    {
        await using var env = await TestEnvironment.StartAsync(EnableAdmin);
        await env.LoginAsync(The.ClientId, The.AppSessionId);
        await StoreInClearAsync(env);
        Assert.Contains(The.Sid, ReadDatabaseFiles(env), StringComparison.Ordinal);

        await env.RestartSidecarAsync();
        var atRest = ReadDatabaseFiles(env);
        var bySid = await GetMappingsAsync(env, $"sid={The.Sid}");
        var bySubject = await GetMappingsAsync(env, $"sub={The.Subject}");
        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());

        Assert.DoesNotContain(The.Sid, atRest, StringComparison.Ordinal);
        Assert.DoesNotContain(The.Subject, atRest, StringComparison.Ordinal);
        Assert.Equal(SidHash.Of(The.Sid), Assert.Single(bySid.EnumerateArray()).GetProperty("sidHash").GetString());
        Assert.Equal(SidHash.Of(The.Sid), Assert.Single(bySubject.EnumerateArray()).GetProperty("sidHash").GetString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([The.AppSessionId], Assert.Single(env.App.Received).AdapterSessionIds);
    }

    [Fact]
    public async Task Reconciliation_AfterEncryptionKeyRollover_EndsNoListedSessionAndStillEndsTheOneGone()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        Dictionary<string, string?> settings = null!;
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin, s => (settings = s)["LogoutEnricher:Storage:EncryptionKey"] = KeyA));
        await SilentLogoutTests.LoginAliceTwiceAndBobOnceAsync(env, admin);

        settings["LogoutEnricher:Storage:EncryptionKey"] = KeyB;
        settings["LogoutEnricher:Storage:PreviousEncryptionKeys:0"] = KeyA;
        await env.RestartSidecarAsync();
        // Several listings over more than twice the confirmation interval: time enough to end a session wrongly.
        var (since, requests) = (DateTimeOffset.UtcNow, admin.Requests.Count);
        await SilentLogoutTests.WaitUntilAsync(() => admin.Requests.Count >= requests + 8 && DateTimeOffset.UtcNow - since > TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(60));
        Assert.Empty(env.App.Received);
        Assert.Empty(env.OtherApp.Received);

        admin.RemoveSession(The.Sid);
        await env.App.WaitForAsync(1, TimeSpan.FromSeconds(20));

        var received = Assert.Single(env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal("terminated", received.Token.GetClaim("logout_reason").Value);
        Assert.Equal((The.Sid, The.Subject), (received.Token.GetClaim("sid").Value, received.Token.Subject));
        Assert.Equal([The.AppSessionId], received.AdapterSessionIds);
        Assert.NotNull(await SilentLogoutTests.FindAsync(env, The.ClientId, SilentLogoutHarness.ThirdSid));
    }

    [Fact]
    public async Task Reconciliation_RowWrittenInClearByAReplicaOfThePreviousVersion_IsComparedByItsSidAndNotEnded()
    {
        await using var admin = await SilentLogoutHarness.StartAdminAsync();
        await using var env = await TestEnvironment.StartAsync(SilentLogoutHarness.Configure(admin));
        admin.AddSession(The.Sid, SilentLogoutHarness.Alice, The.ClientId);
        await env.LoginAsync(The.ClientId, The.AppSessionId);

        await StoreInClearAsync(env);
        var (since, requests) = (DateTimeOffset.UtcNow, admin.Requests.Count);
        await SilentLogoutTests.WaitUntilAsync(() => admin.Requests.Count >= requests + 8 && DateTimeOffset.UtcNow - since > TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(60));

        Assert.Empty(env.App.Received);
        Assert.Empty(await env.Services.GetRequiredService<IReconciliationStore>().GetObservationsAsync(env.Keycloak.Issuer, The.ClientId));
    }

    private static void EnableAdmin(Dictionary<string, string?> settings)
    {
        settings["LogoutEnricher:Admin:Enabled"] = "true";
        settings["LogoutEnricher:Admin:ApiKeyHashes:0"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ApiKey)));
    }

    /// <summary>Turns the captured mapping back into the previous version's rows: sid and sub in clear, no encrypted copy.</summary>
    private static async Task StoreInClearAsync(TestEnvironment env)
    {
        // Note: a connection of its own, without foreign keys, so that the key of both tables can be rewritten.
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(env.DataDirectory, "logoutenricher.db")};Pooling=False;Foreign Keys=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE app_sessions SET sid = $sid;
            UPDATE sessions SET sid = $sid, sub = $sub, protected_sid = NULL, protected_sub = NULL;
            """;
        command.Parameters.AddWithValue("$sid", The.Sid);
        command.Parameters.AddWithValue("$sub", The.Subject);
        Assert.Equal(2, await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
    }

    private static async Task<JsonElement> GetMappingsAsync(TestEnvironment env, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/mappings?issuer={Uri.EscapeDataString(env.Keycloak.Issuer)}&clientId={The.ClientId}&{query}");
        request.Headers.Add("X-Api-Key", ApiKey);
        using var response = await env.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>The database file, its write-ahead log and shared memory, byte for byte as text.</summary>
    private static string ReadDatabaseFiles(TestEnvironment env) =>
        string.Concat(Directory.GetFiles(env.DataDirectory, "logoutenricher.db*").Select(path =>
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return Encoding.Latin1.GetString(copy.ToArray());
        }));
}
