using System.Globalization;

namespace LogoutEnricher.Storage.PostgreSql;

/// <summary>One numbered schema script embedded in this assembly.</summary>
internal sealed record PostgreSqlMigration(int Version, string Name, string Sql);

/// <summary>
/// Reads the embedded <c>Migrations/NNN_name.sql</c> scripts in version order. Scripts are never edited once
/// released: a schema change is a new, higher-numbered file.
/// </summary>
internal static class PostgreSqlMigrations
{
    private const string Prefix = "Migrations/";

    public static IReadOnlyList<PostgreSqlMigration> All { get; } = Load();

    private static List<PostgreSqlMigration> Load()
    {
        var assembly = typeof(PostgreSqlMigrations).Assembly;
        var migrations = new List<PostgreSqlMigration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(Prefix, StringComparison.Ordinal) && r.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var name = resource[Prefix.Length..^".sql".Length];
            var separator = name.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(name.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Embedded migration '{resource}' is not named NNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new PostgreSqlMigration(version, name, reader.ReadToEnd()));
        }

        migrations.Sort((left, right) => left.Version.CompareTo(right.Version));
        if (migrations.Zip(migrations.Skip(1)).FirstOrDefault(pair => pair.First.Version == pair.Second.Version) is ({ } duplicate, _))
        {
            throw new InvalidOperationException($"Two embedded migrations share version {duplicate.Version}.");
        }

        return migrations;
    }
}
