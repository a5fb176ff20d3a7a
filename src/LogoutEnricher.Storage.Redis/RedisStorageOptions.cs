namespace LogoutEnricher.Storage.Redis;

/// <summary>Which Redis server holds the shared state, and under which key prefix.</summary>
public sealed class RedisStorageOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string, e.g. <c>redis:6379,password=...,ssl=true</c>. Required; no default.
    /// <c>abortConnect</c> is always treated as false, so the host starts while Redis is down and recovers by itself.
    /// </summary>
    public string Configuration { get; set; } = "";

    /// <summary>Prefix of every key, so that several deployments can share one server. Default: <c>logoutenricher:</c>.</summary>
    public string KeyPrefix { get; set; } = "logoutenricher:";
}
