using System.Net;
using System.Security.Cryptography;
using System.Text;
using LogoutEnricher.IntegrationTests.Infrastructure;
using LogoutEnricher.Testing;

namespace LogoutEnricher.IntegrationTests;

public sealed class EncryptionAtRestTests
{
    private static readonly string KeyA = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string KeyB = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task Logout_AfterKeyChangeWithPreviousKeyConfigured_DeliversSessionCapturedUnderOldKey()
    {
        Dictionary<string, string?> settings = null!;
        await using var env = await TestEnvironment.StartAsync(s => (settings = s)["LogoutEnricher:Storage:EncryptionKey"] = KeyA);
        await env.LoginAsync(The.ClientId, The.AppSessionId);

        settings["LogoutEnricher:Storage:EncryptionKey"] = KeyB;
        var previousKeyFile = Path.Combine(env.DataDirectory, "previous.key");
        await File.WriteAllTextAsync(previousKeyFile, KeyA + "\n");
        settings["LogoutEnricher:Storage:PreviousEncryptionKeyFiles:0"] = previousKeyFile;
        await env.RestartSidecarAsync();
        await env.LoginAsync(The.ClientId, The.SecondAppSessionId);
        using var response = await env.SendLogoutAsync(env.Keycloak.LogoutToken().Sign());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([The.AppSessionId, The.SecondAppSessionId], Assert.Single(env.App.Received).AdapterSessionIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Restart_AfterKeyChangeWithoutPreviousKey_RefusesToStartNamingTheSetting()
    {
        Dictionary<string, string?> settings = null!;
        await using var env = await TestEnvironment.StartAsync(s => (settings = s)["LogoutEnricher:Storage:EncryptionKey"] = KeyA);
        await env.LoginAsync(The.ClientId, The.AppSessionId);

        settings["LogoutEnricher:Storage:EncryptionKey"] = KeyB;
        var exception = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => env.RestartSidecarAsync());

        Assert.Contains("LogoutEnricher:Storage:PreviousEncryptionKeys", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Capture_WithEmbeddedDefaults_GeneratesOwnerOnlyKeyFileAndStoresNoRawSessionId()
    {
        await using var env = await TestEnvironment.StartAsync();
        await env.LoginAsync(The.ClientId, The.AppSessionId);

        var keyFile = Path.Combine(env.DataDirectory, "encryption.key");
        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }

        var database = Directory.GetFiles(env.DataDirectory, "logoutenricher.db*").SelectMany(ReadShared).ToArray();
        Assert.NotEmpty(database);
        Assert.False(Encoding.UTF8.GetString(database).Contains(The.AppSessionId, StringComparison.Ordinal));
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
