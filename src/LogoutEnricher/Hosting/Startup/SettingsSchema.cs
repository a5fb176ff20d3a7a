using System.Collections;
using System.Reflection;

namespace LogoutEnricher.Hosting.Startup;

/// <summary>
/// Which configuration keys under <c>LogoutEnricher:</c> mean something: read from the options classes themselves (each
/// has a <c>SectionName</c>), so the list never drifts from the code. A key that binds to nothing is a typo, and its
/// nearest valid key is the likely intent.
/// </summary>
internal sealed class SettingsSchema
{
    public const string Root = "LogoutEnricher";

    private readonly Dictionary<string, Type> _sections;

    /// <param name="sections">Section name (without the root) to the options type bound there.</param>
    public SettingsSchema(IReadOnlyDictionary<string, Type> sections) =>
        _sections = new Dictionary<string, Type>(sections, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every options class of <paramref name="assemblies"/> with a <c>SectionName</c> under <see cref="Root"/>, plus <paramref name="extra"/>.</summary>
    public static SettingsSchema From(IEnumerable<Assembly> assemblies, IReadOnlyDictionary<string, Type> extra)
    {
        var sections = new Dictionary<string, Type>(extra, StringComparer.OrdinalIgnoreCase);
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
                && field.GetRawConstantValue() is string name && name.StartsWith(Root + ":", StringComparison.Ordinal))
            {
                sections[name[(Root.Length + 1)..]] = type;
            }
        }

        return new SettingsSchema(sections);
    }

    /// <summary>The section names directly under <see cref="Root"/>.</summary>
    public IEnumerable<string> SectionNames => _sections.Keys.Where(k => !k.Contains(':', StringComparison.Ordinal));

    /// <summary>Null when <paramref name="path"/> (under the root, e.g. <c>Storage:Provider</c>) binds to a setting, else the nearest valid key, or "" when none is near.</summary>
    public string? Check(string path)
    {
        var segments = path.Split(':');
        // The longest registered section that prefixes the path (Storage:Sqlite before Storage).
        for (var length = segments.Length; length >= 1; length--)
        {
            if (_sections.TryGetValue(string.Join(':', segments[..length]), out var type))
            {
                return Walk(type, segments, length, string.Join(':', segments[..length]));
            }
        }

        var nearest = Nearest(segments[0], SectionNames);
        return nearest is null ? "" : string.Join(':', [nearest, .. segments[1..]]);
    }

    private static string? Walk(Type type, string[] segments, int index, string prefix)
    {
        while (index < segments.Length)
        {
            var segment = segments[index];
            if (ElementOf(type, typeof(IDictionary<,>)) is { } dictionaryValue)
            {
                type = dictionaryValue;
            }
            else if (type != typeof(string) && ElementOf(type, typeof(IEnumerable<>)) is { } element)
            {
                if (!int.TryParse(segment, out _))
                {
                    return "";
                }

                type = element;
            }
            else if (IsScalar(type))
            {
                return "";
            }
            else
            {
                var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToList();
                var property = properties.FirstOrDefault(p => p.Name.Equals(segment, StringComparison.OrdinalIgnoreCase));
                if (property is null)
                {
                    var nearest = Nearest(segment, properties.Select(p => p.Name));
                    return nearest is null ? "" : string.Join(':', [prefix, nearest, .. segments[(index + 1)..]]);
                }

                type = property.PropertyType;
                segment = property.Name;
            }

            prefix += ":" + segment;
            index++;
        }

        return null;
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);
    }

    private static Type? ElementOf(Type type, Type openInterface)
    {
        if (!typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }

        var match = (type.IsInterface && type.IsGenericType && type.GetGenericTypeDefinition() == openInterface ? [type] : Array.Empty<Type>())
            .Concat(type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == openInterface))
            .FirstOrDefault();
        return match?.GetGenericArguments()[^1];
    }

    /// <summary>The candidate within a small edit distance (case-insensitive), or null.</summary>
    internal static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(candidate => (candidate, distance: Distance(typed.ToUpperInvariant(), candidate.ToUpperInvariant())))
            .OrderBy(c => c.distance)
            .FirstOrDefault();
        return best.candidate is not null && best.distance <= Math.Max(2, typed.Length / 3) ? best.candidate : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
