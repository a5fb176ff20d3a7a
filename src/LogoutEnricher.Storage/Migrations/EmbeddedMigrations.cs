using System.Globalization;
using System.Reflection;

namespace LogoutEnricher.Storage.Migrations;

/// <summary>One numbered schema script embedded in a backend assembly.</summary>
internal sealed record EmbeddedMigration(int Version, string Name, string Sql);

/// <summary>
/// Reads a backend's embedded <c>Migrations/NNN_name.sql</c> scripts (the project gives them that logical name) in
/// version order. Scripts are never edited once released: a schema change is a new, higher-numbered file.
/// </summary>
internal static class EmbeddedMigrations
{
    private const string Prefix = "Migrations/";

    private const string Suffix = ".sql";

    /// <summary>Throws <see cref="InvalidOperationException"/> when a script is misnamed or two share a version.</summary>
    public static IReadOnlyList<EmbeddedMigration> Load(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var migrations = new List<EmbeddedMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(Prefix, StringComparison.Ordinal) || !resource.EndsWith(Suffix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = resource[Prefix.Length..^Suffix.Length];
            var separator = name.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(name.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"Embedded migration '{resource}' is not named NNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new EmbeddedMigration(version, name, reader.ReadToEnd()));
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
