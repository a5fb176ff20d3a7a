using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

internal sealed partial class RedisSessionStore
{
    /// <summary>
    /// Reads the client index by lex range after the cursor, a page at a time, pipelining the mapping reads. An id
    /// whose mapping is gone is dropped from the index on the way; an expired one is skipped (the purge drops it).
    /// Keeps reading until the page is full or the index is exhausted, so an empty answer means "no more".
    /// </summary>
    public Task<IReadOnlyList<SessionMapping>> ListByClientAsync(
        string issuer, string clientId, string? afterSid, DateTimeOffset capturedBefore, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        var index = _keys.ClientIndex(issuer, clientId);
        var before = UnixMs.Of(capturedBefore);
        return connection.RunAsync<IReadOnlyList<SessionMapping>>("list session mappings of a client", async database =>
        {
            var mappings = new List<SessionMapping>(maxCount);
            // Note: a null bound is "-" / "+"; a value is exclusive with Exclude.Start (the cursor itself is done).
            var start = afterSid is null ? RedisValue.Null : (RedisValue)RedisKeys.MappingId(new SessionKey(issuer, clientId, afterSid));
            while (mappings.Count < maxCount)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ids = await database.SortedSetRangeByValueAsync(index, start, RedisValue.Null, Exclude.Start, Order.Ascending, 0, maxCount - mappings.Count);
                if (ids.Length == 0)
                {
                    break;
                }

                var reads = ids.Select(id => (Id: (string)id!, Fields: database.HashGetAllAsync(_keys.Mapping((string)id!)))).ToList();
                await Task.WhenAll(reads.Select(read => read.Fields));
                foreach (var (id, fields) in reads)
                {
                    var entries = await fields;
                    if (entries.Length == 0)
                    {
                        await database.SortedSetRemoveAsync(index, id);
                        continue;
                    }

                    var key = new SessionKey(issuer, clientId, RedisKeys.LastPart(id));
                    if (ToMapping(key, entries, subject: null) is { } mapping)
                    {
                        var captured = entries.Where(e => ((string)e.Name!).StartsWith("c:", StringComparison.Ordinal))
                            .ToDictionary(e => ((string)e.Name!)[2..], e => (long)e.Value, StringComparer.Ordinal);
                        mappings.Add(mapping with { AppSessions = [.. mapping.AppSessions.Where(s => captured.GetValueOrDefault(s.Handle) < before)] });
                    }
                }

                start = reads[^1].Id;
            }

            return mappings;
        });
    }
}
