using Microsoft.Extensions.Options;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>The rules of <see cref="SqliteStorageOptions"/>; each failure names the key to change.</summary>
/// <param name="keyPrefix">How the keys are named to the operator, e.g. <c>LogoutEnricher:Storage:Sqlite:</c>.</param>
internal sealed class SqliteStorageOptionsValidator(string keyPrefix) : IValidateOptions<SqliteStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteStorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add($"{keyPrefix}Path is empty: set the database file, e.g. data/logoutenricher.db.");
        }

        if (options.BusyTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{keyPrefix}BusyTimeout is {options.BusyTimeout}: it must be positive, e.g. 00:00:05.");
        }

        if (options.GroupCommitMaxWait < TimeSpan.Zero || options.GroupCommitMaxWait > TimeSpan.FromMilliseconds(100))
        {
            failures.Add($"{keyPrefix}GroupCommitMaxWait is {options.GroupCommitMaxWait}: it must be between 00:00:00 and 00:00:00.1; 00:00:00 (the default) commits at once.");
        }

        if (options.GroupCommitMaxBatch < 1)
        {
            failures.Add($"{keyPrefix}GroupCommitMaxBatch is {options.GroupCommitMaxBatch}: it must be at least 1, e.g. 256 (the default).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
