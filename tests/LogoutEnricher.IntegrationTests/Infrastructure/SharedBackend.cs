using System.Security.Cryptography;
using LogoutEnricher.Testing;
using Npgsql;
using StackExchange.Redis;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

/// <summary>
/// Settings that point LogoutEnricher at a shared backend, isolated per test (a fresh key prefix or schema), with the
/// one encryption key every replica must share; disposing removes what the test left there.
/// </summary>
internal sealed class SharedBackend : IAsyncDisposable
{
    private readonly string _provider;
    private readonly string _connection;
    private readonly string _space;

    private SharedBackend(string provider, string connection)
    {
        _provider = provider;
        _connection = connection;
        _space = provider == "Redis" ? $"logoutenricher-it:{Guid.NewGuid():N}:" : $"it_{Guid.NewGuid():N}";
    }

    /// <summary>The backend named <paramref name="provider"/> (Redis or PostgreSql) on the server CI started.</summary>
    public static SharedBackend Of(string provider) =>
        new(provider, provider == "Redis" ? TestServers.Redis : TestServers.PostgreSql);

    /// <summary>The same backend on another server, e.g. a private one an outage test stops and starts.</summary>
    public static SharedBackend On(string provider, string connection) => new(provider, connection);

    public string EncryptionKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public void Configure(Dictionary<string, string?> settings)
    {
        settings["LogoutEnricher:Storage:Provider"] = _provider;
        settings["LogoutEnricher:Storage:EncryptionKey"] = EncryptionKey;
        if (_provider == "Redis")
        {
            settings["LogoutEnricher:Storage:Redis:Configuration"] = _connection;
            settings["LogoutEnricher:Storage:Redis:KeyPrefix"] = _space;
        }
        else
        {
            settings["LogoutEnricher:Storage:PostgreSql:ConnectionString"] = _connection;
            settings["LogoutEnricher:Storage:PostgreSql:Schema"] = _space;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_provider == "Redis")
            {
                await using var redis = await ConnectionMultiplexer.ConnectAsync(_connection);
                var keys = new List<RedisKey>();
                await foreach (var key in redis.GetServers()[0].KeysAsync(pattern: _space + "*", pageSize: 1000))
                {
                    keys.Add(key);
                }

                await redis.GetDatabase().KeyDeleteAsync([.. keys]);
            }
            else
            {
                await using var connection = new NpgsqlConnection(_connection + ";Pooling=false");
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_space}\" CASCADE;", connection);
                await command.ExecuteNonQueryAsync();
            }
        }
        catch (Exception exception) when (exception is RedisException or NpgsqlException)
        {
            // A private server that a test already stopped: its data went with it.
        }
    }
}
