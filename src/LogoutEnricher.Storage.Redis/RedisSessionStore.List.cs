using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

internal sealed partial class RedisSessionStore
{
    private const int ScanCount = 1000;

    /// <summary>
    /// Walks the client's mapping keys with SCAN (never KEYS: Redis stays responsive), reading expiry and subject of
    /// each page in one pipelined round trip. SCAN may return a key twice; the walk drops repeats it has seen.
    /// </summary>
    public async IAsyncEnumerable<CapturedSession> ListAsync(string issuer, string clientId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pattern = _keys.MappingsOfClientPattern(issuer, clientId);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var cursor = "0";
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (next, page) = await connection.RunAsync("list session mappings", async database =>
            {
                var reply = await database.ExecuteAsync("SCAN", cursor, "MATCH", pattern, "COUNT", ScanCount);
                var parts = (RedisResult[])reply!;
                var keys = ((RedisResult[])parts[1]!).Select(k => (string)k!).ToArray();
                var batch = database.CreateBatch();
                var reads = keys.Select(k => batch.HashGetAsync(k, ["e", "u", "ps", "pu"])).ToArray();
                batch.Execute();
                await Task.WhenAll(reads);
                var now = UnixMs.Now(time);
                var sessions = new List<CapturedSession>(keys.Length);
                for (var i = 0; i < keys.Length; i++)
                {
                    var values = reads[i].Result;
                    if (values[0].IsNull || (long)values[0] <= now)
                    {
                        continue;
                    }

                    sessions.Add(new CapturedSession(RedisKeys.LastPart(keys[i]), values[1].IsNull ? null : (string)values[1]!)
                    {
                        Protected = values[2].IsNull ? null : new ProtectedIdentity(values[2]!, values[3].IsNull ? null : (string)values[3]!),
                    });
                }

                return ((string)parts[0]!, sessions);
            });
            foreach (var session in page)
            {
                if (seen.Add(session.Sid))
                {
                    yield return session;
                }
            }

            cursor = next;
        }
        while (cursor != "0");
    }
}
