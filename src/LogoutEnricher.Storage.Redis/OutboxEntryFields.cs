using StackExchange.Redis;

namespace LogoutEnricher.Storage.Redis;

/// <summary>How an <see cref="OutboxEntry"/> is laid out in its hash (short field names: there may be many).</summary>
internal static class OutboxEntryFields
{
    /// <summary>The id then the fields, in the order the enqueue script reads them. Optional ones carry a '+' marker.</summary>
    public static RedisValue[] ToArguments(OutboxEntry entry) =>
    [
        entry.Id,
        entry.Issuer,
        entry.ClientId,
        entry.Payload,
        UnixMs.Of(entry.CreatedAt),
        UnixMs.Of(entry.ExpiresAt),
        entry.Attempts,
        UnixMs.Of(entry.NextAttemptAt),
        entry.Host is null ? "" : "+" + entry.Host,
        entry.LastError is null ? "" : "+" + entry.LastError,
    ];

    /// <summary>Reads a script's <c>{ id, HGETALL }</c> pair.</summary>
    public static (OutboxEntry Entry, string? DeadReason, DateTimeOffset? DeadAt) Read(RedisResult[] pair)
    {
        var id = (string)pair[0]!;
        var flat = (RedisValue[])pair[1]!;
        var fields = new Dictionary<string, RedisValue>(flat.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            fields[(string)flat[i]!] = flat[i + 1];
        }

        string? Optional(string name) => fields.TryGetValue(name, out var value) ? (string?)value : null;

        var entry = new OutboxEntry(
            id,
            (string)fields["i"]!,
            (string)fields["c"]!,
            Optional("h"),
            (string)fields["p"]!,
            UnixMs.From(fields["ca"]),
            UnixMs.From(fields["ea"]),
            (int)fields["n"],
            UnixMs.From(fields["na"]),
            Optional("le"));
        return (entry, Optional("dr"), fields.TryGetValue("da", out var deadAt) ? UnixMs.From(deadAt) : null);
    }
}
