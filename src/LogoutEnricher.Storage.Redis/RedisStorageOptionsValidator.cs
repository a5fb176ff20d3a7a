using Microsoft.Extensions.Options;

namespace LogoutEnricher.Storage.Redis;

/// <summary>The rules of <see cref="RedisStorageOptions"/>; each failure names the key to change.</summary>
/// <param name="keyPrefix">How the keys are named to the operator, e.g. <c>LogoutEnricher:Storage:Redis:</c>.</param>
internal sealed class RedisStorageOptionsValidator(string keyPrefix) : IValidateOptions<RedisStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisStorageOptions options) =>
        string.IsNullOrWhiteSpace(options.Configuration)
            ? ValidateOptionsResult.Fail($"{keyPrefix}Configuration is empty: set a StackExchange.Redis configuration string, e.g. redis:6379,password=....")
            : ValidateOptionsResult.Success;
}
