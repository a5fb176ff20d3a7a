using System.Globalization;

namespace LogoutEnricher.Storage.Sqlite;

/// <summary>One numbered schema script embedded in this assembly.</summary>
internal sealed record SqliteMigration(int Version, string Name, string Sql);

/// <summary>
/// Reads the embedded <c>Migrations/NNN_name.sql</c> scripts in version order. Scripts are never edited once
/// released: a schema change is a new, higher-numbered file.
/// </summary>
internal static class SqliteMigrations
{
    private const string Prefix = "Migrations/";

    public static IReadOnlyList<SqliteMigration> All { get; } = Load();

    private static List<SqliteMigration> Load()
    {
        var assembly = typeof(SqliteMigrations).Assembly;
        var migrations = new List<SqliteMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(Prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[Prefix.Length..^".sql".Length];
            var separator = name.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(name.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Embedded migration '{resource}' is not named NNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new SqliteMigration(version, name, reader.ReadToEnd()));
        }

        migrations.Sort((left, right) => left.Version.CompareTo(right.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException($"Two embedded migrations share version {migrations[i].Version}.");
            }
        }

        return migrations;
    }
}
