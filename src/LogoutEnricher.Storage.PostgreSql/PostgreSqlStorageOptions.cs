namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>Which PostgreSQL database holds the shared state, and in which schema.</summary>
public sealed class PostgreSqlStorageOptions
{
    /// <summary>An Npgsql connection string, e.g. <c>Host=db;Username=logoutenricher;Password=...</c>. Required; no default.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The schema of the tables, created at startup when missing. Lower-case letters, digits and '_' only.
    /// Default: <c>logoutenricher</c>.
    /// </summary>
    public string Schema { get; set; } = "logoutenricher";

    internal static bool IsValidSchema(string? schema) =>
        !string.IsNullOrEmpty(schema) && schema.Length <= 63 && (char.IsAsciiLetterLower(schema[0]) || schema[0] == '_')
        && schema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_');
}
