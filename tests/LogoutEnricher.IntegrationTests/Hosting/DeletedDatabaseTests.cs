using System.Net;
using System.Text.Json;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;
using Microsoft.Data.Sqlite;

namespace LogoutEnricher.IntegrationTests;

/// <summary>
/// The SQLite file deleted under a running LogoutEnricher: nothing is written into the unlinked file or into a new
/// empty one, readiness says why it is not ready and puts a migrated, owner-only file in place, and then captures and
/// logouts work again on that file.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DeletedDatabaseTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task SqliteFile_DeletedUnderTheRunningHost_RefusesWritesAndReadinessMigratesAnOwnerOnlyFile()
    {
        await using var env = await TestEnvironment.StartAsync();
        var path = Path.Combine(env.DataDirectory, "logoutenricher.db");
        await env.LoginAsync(The.ClientId, The.AppSessionId);

        File.Delete(path);

        using (var capture = await env.ExchangeCodeAsync(The.ClientId, The.SecondAppSessionId))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, capture.StatusCode);
            var body = await capture.Content.ReadAsStringAsync();
            Assert.Equal("temporarily_unavailable", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
            Assert.DoesNotContain("access_token", body, StringComparison.Ordinal);
        }

        using (var logout = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign()))
        {
            await Responses.AssertOAuthErrorAsync(logout, HttpStatusCode.BadRequest, "temporarily_unavailable");
        }

        Assert.False(File.Exists(path), "a store call created a new database file");

        using (var ready = await env.Client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("deleted or replaced", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal(MigrationCount(), await AppliedMigrationsAsync(path));
        using (var ready = await env.Client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        await env.LoginAsync(The.ClientId, The.SecondAppSessionId, sid: The.OtherSid);
        using var recovered = await env.SendLogoutAsync(env.Keycloak.LogoutToken(sid: The.OtherSid).Sign());
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        var received = Assert.Single(env.App.Received);
        Assert.True(received.Valid, received.Error);
        Assert.Equal([The.SecondAppSessionId], received.AdapterSessionIds);
    }

    private static int MigrationCount() =>
        typeof(LogoutEnricher.Storage.Sqlite.SqliteStorageInitializer).Assembly.GetManifestResourceNames().Count(name => name.StartsWith("Migrations/", StringComparison.Ordinal));

    private static async Task<long> AppliedMigrationsAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM schema_migrations;";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
