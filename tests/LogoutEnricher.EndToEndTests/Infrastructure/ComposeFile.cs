using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>One service of docker-compose.yml, as far as the agreement tests read it.</summary>
internal sealed record ComposeService(string Name, string? Image, IReadOnlyDictionary<string, string> Environment, IReadOnlyList<(string Published, int Target)> Ports, IReadOnlyList<string> Volumes);

/// <summary>docker-compose.yml, parsed with YAML merge keys (<c>&lt;&lt;: *anchor</c>) resolved.</summary>
internal static class ComposeFile
{
    public static IReadOnlyDictionary<string, ComposeService> Load(string path)
    {
        using var reader = new StreamReader(path);
        var document = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
        var services = (Dictionary<object, object>)document["services"];
        return services.ToDictionary(s => (string)s.Key, s => Service((string)s.Key, (Dictionary<object, object>)s.Value), StringComparer.Ordinal);
    }

    private static ComposeService Service(string name, Dictionary<object, object> service)
    {
        var environment = service.TryGetValue("environment", out var env)
            ? ((Dictionary<object, object>)env).ToDictionary(e => (string)e.Key, e => e.Value as string ?? "", StringComparer.Ordinal)
            : [];
        var ports = service.TryGetValue("ports", out var list)
            ? ((List<object>)list).Cast<string>().Select(p => p.Split(':')).Select(p => (p[0], int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).ToList()
            : [];
        var volumes = service.TryGetValue("volumes", out var mounts) ? ((List<object>)mounts).Cast<string>().ToList() : [];
        return new ComposeService(name, service.GetValueOrDefault("image") as string, environment, ports, volumes);
    }
}
