using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

internal sealed partial class RedisSessionStore
{
    public Task<SessionMapping?> FindAsync(SessionKey key, CancellationToken cancellationToken = default) =>
        connection.RunAsync("find a session mapping", async database =>
            ToMapping(key, await database.HashGetAllAsync(_keys.Mapping(RedisKeys.MappingId(key))), subject: null));

    public Task<IReadOnlyList<SessionMapping>> FindBySubjectAsync(string issuer, string clientId, string subject, CancellationToken cancellationToken = default) =>
        connection.RunAsync<IReadOnlyList<SessionMapping>>("find session mappings by subject", async database =>
        {
            var ids = await database.SetMembersAsync(_keys.Subject(issuer, clientId, subject));
            // Note: the reads are pipelined, one round trip for all; an id whose mapping expired or whose subject
            // changed since is skipped (the set is cleaned up by remove, purge and native expiry).
            var reads = ids.Select(id => (Id: (string)id!, Fields: database.HashGetAllAsync(_keys.Mapping((string)id!)))).ToList();
            await Task.WhenAll(reads.Select(read => read.Fields));
            var mappings = new List<SessionMapping>();
            foreach (var (id, fields) in reads)
            {
                var key = new SessionKey(issuer, clientId, RedisKeys.LastPart(id));
                if (ToMapping(key, await fields, subject) is { } mapping)
                {
                    mappings.Add(mapping);
                }
            }

            return mappings;
        });

    /// <summary>The mapping in <paramref name="fields"/>, or null when it is missing, expired or of another subject.</summary>
    private SessionMapping? ToMapping(SessionKey key, HashEntry[] fields, string? subject)
    {
        DateTimeOffset? expiresAt = null;
        string? storedSubject = null;
        string? protectedSid = null;
        string? protectedSubject = null;
        var sessions = new List<AppSession>();
        foreach (var field in fields)
        {
            var name = (string)field.Name!;
            if (name.StartsWith("a:", StringComparison.Ordinal))
            {
                sessions.Add(AppSessionValue.Decode(name[2..], field.Value!));
            }
            else if (name == "e")
            {
                expiresAt = UnixMs.From(field.Value);
            }
            else if (name == "u")
            {
                storedSubject = field.Value;
            }
            else if (name == "ps")
            {
                protectedSid = field.Value;
            }
            else if (name == "pu")
            {
                protectedSubject = field.Value;
            }
        }

        // The contract: a mapping is expired once now >= expiresAt, on the host's clock, not Redis's.
        if (expiresAt is not { } expiry || expiry <= time.GetUtcNow() || (subject is not null && storedSubject != subject))
        {
            return null;
        }

        return new SessionMapping(key, storedSubject, sessions, expiry) { Protected = protectedSid is null ? null : new(protectedSid, protectedSubject) };
    }
}
