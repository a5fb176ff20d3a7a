using Microsoft.Extensions.Options;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>The rules of <see cref="PostgreSqlStorageOptions"/>; each failure names the key to change.</summary>
/// <param name="keyPrefix">How the keys are named to the operator, e.g. <c>LogoutEnricher:Storage:PostgreSql:</c>.</param>
internal sealed class PostgreSqlStorageOptionsValidator(string keyPrefix) : IValidateOptions<PostgreSqlStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlStorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{keyPrefix}ConnectionString is empty: set an Npgsql connection string, e.g. Host=db;Username=logoutenricher;Password=....");
        }

        if (!PostgreSqlStorageOptions.IsValidSchema(options.Schema))
        {
            failures.Add($"{keyPrefix}Schema is '{options.Schema}': use lower-case letters, digits and '_', e.g. logoutenricher.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
