using System.Net.Sockets;
using Npgsql;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>
/// The one <see cref="NpgsqlDataSource"/> of the process (a connection pool), with the schema on the search path, and
/// the translation of driver failures into <see cref="StorageUnavailableException"/>.
/// </summary>
/// <remarks>
/// Note: background work (the dispatcher's leases and completions, a fan-out's pages, the trail) holds at most half of
/// the pool's connections, and no more than 16, at a time (<see cref="BackgroundConnections"/>): a mass logout
/// delivering hundreds of logouts at once took every connection, and a logout Keycloak sent meanwhile waited for one
/// until it was refused as "temporarily unavailable". A request's call (<see cref="StorageWaitBudget.ForRequest"/>)
/// never waits for that limit.
/// </remarks>
internal sealed class PostgreSqlDatabase : IAsyncDisposable
{
    private readonly SemaphoreSlim _background;

    public PostgreSqlDatabase(PostgreSqlStorageOptions options)
    {
        Schema = options.Schema;
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.SearchPath = options.Schema;
        builder.ConnectionStringBuilder.ApplicationName ??= "logoutenricher";
        BackgroundConnections = Math.Clamp(builder.ConnectionStringBuilder.MaxPoolSize / 2, 1, MaxBackgroundConnections);
        _background = new SemaphoreSlim(BackgroundConnections, BackgroundConnections);
        DataSource = builder.Build();
    }

    /// <summary>
    /// The most connections background work holds at once, whatever the pool's size. Note: more only adds server
    /// backends contending for the same CPUs and WAL flush: with half of the default pool (50) a 100,000-session
    /// fan-out kept a 2-core server at a load average of 22 and single logouts meanwhile had a p99 of 207 ms; with 16
    /// the fan-out finished sooner (166 s instead of 185 s) and their p99 was 75 ms (docs/PERFORMANCE.md).
    /// </summary>
    public const int MaxBackgroundConnections = 16;

    /// <summary>
    /// How many connections background work may hold at once: half of the pool (Maximum Pool Size), at most
    /// <see cref="MaxBackgroundConnections"/>.
    /// </summary>
    public int BackgroundConnections { get; }

    public string Schema { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Runs <paramref name="action"/> on a pooled connection; <paramref name="operation"/> ends up in logs.</summary>
    public async Task<T> RunAsync<T>(string operation, Func<NpgsqlConnection, Task<T>> action, CancellationToken cancellationToken)
    {
        var background = !StorageWaitBudget.ForRequest;
        if (background)
        {
            await _background.WaitAsync(cancellationToken);
        }

        try
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
            return await action(connection);
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            if (ex is not PostgresException)
            {
                // Note: not a server-side error but a broken or refused connection (a restart, a failover): the idle
                // connections of the pool are just as dead, so they are dropped rather than failing one request each.
                DataSource.Clear();
            }

            throw new StorageUnavailableException($"PostgreSQL storage could not {operation}.", ex);
        }
        finally
        {
            if (background)
            {
                _background.Release();
            }
        }
    }

    public Task RunAsync(string operation, Func<NpgsqlConnection, Task> action, CancellationToken cancellationToken) =>
        RunAsync(operation, async connection =>
        {
            await action(connection);
            return true;
        }, cancellationToken);

    /// <summary>Executes one statement (or an NpgsqlBatch-free script) and returns the rows it affected.</summary>
    public Task<int> ExecuteAsync(string operation, string sql, Action<NpgsqlParameterCollection> parameters, CancellationToken cancellationToken) =>
        RunAsync(operation, async connection =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            parameters(command.Parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _background.Dispose();
        return DataSource.DisposeAsync();
    }
}
