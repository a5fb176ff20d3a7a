using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// Whether Redis keeps acknowledged writes across a restart or power loss: only with the append-only file
/// (<c>appendonly yes</c>) flushed <c>always</c> (nothing lost) or <c>everysec</c> (up to about a second lost). Without
/// AOF, the outbox, mappings and replay cache are gone after a restart; RDB snapshots lose minutes.
/// </summary>
internal sealed class RedisStorageDurability(RedisConnection connection) : IStorageDurability
{
    public Task<StorageDurability> CheckAsync(CancellationToken cancellationToken = default) =>
        connection.RunAsync("read its persistence settings", async database =>
        {
            var info = (string?)await database.ExecuteAsync("INFO", "persistence") ?? "";
            var aofEnabled = InfoValue(info, "aof_enabled") == "1";
            var appendfsync = await AppendFsyncAsync(database);
            var settings = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["appendonly"] = aofEnabled ? "yes" : "no",
                ["appendfsync"] = appendfsync ?? "unknown (CONFIG GET is not allowed)",
            };

            var findings = new List<DurabilityFinding>();
            if (!aofEnabled)
            {
                findings.Add(new("appendonly", "no",
                    "Redis runs without the append-only file: a restart loses the outbox, mappings and replay cache; set appendonly yes and appendfsync everysec or always.",
                    Fatal: false));
            }
            else if (appendfsync is not ("always" or "everysec"))
            {
                findings.Add(new("appendfsync", settings["appendfsync"],
                    "Redis leaves flushing the append-only file to the OS (or it could not be read): set appendfsync everysec (up to 1 s lost on power loss) or always (nothing lost).",
                    Fatal: false));
            }

            var window = !aofEnabled ? "everything since the last RDB snapshot, or all of it"
                : appendfsync switch
                {
                    "always" => "none: every write is flushed before Redis answers",
                    "everysec" => "up to about 1 s of acknowledged writes (appendfsync everysec)",
                    _ => "up to about 30 s of acknowledged writes (the OS's own flushing)",
                };
            return new StorageDurability(settings, findings, window);
        });

    private static async Task<string?> AppendFsyncAsync(IDatabase database)
    {
        try
        {
            var reply = await database.ExecuteAsync("CONFIG", "GET", "appendfsync");
            var values = (RedisResult[]?)reply;
            return values is { Length: 2 } ? (string?)values[1] : null;
        }
        catch (RedisServerException)
        {
            // Note: managed Redis services often rename or forbid CONFIG; then the setting is reported unknown.
            return null;
        }
    }

    private static string? InfoValue(string info, string name)
    {
        foreach (var line in info.Split('\n'))
        {
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
            {
                return line[(name.Length + 1)..].Trim();
            }
        }

        return null;
    }
}
