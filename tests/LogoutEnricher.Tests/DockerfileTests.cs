using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace LogoutEnricher.Tests;

/// <summary>
/// The Dockerfile restores from the project files alone (a layer reused while only code changes), then publishes
/// without restoring. A project the sidecar references but the restore step does not copy has no restore output at
/// publish time, and the image does not build; no Docker engine runs here to notice, so the file is checked.
/// </summary>
public sealed partial class DockerfileTests
{
    [Fact]
    public void RestoreStep_CopiesEveryProjectTheSidecarReferences_BeforeRestoring()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(Repository.Root, "Dockerfile"));
        var restore = Array.FindIndex(dockerfile, line => line.StartsWith("RUN dotnet restore ", StringComparison.Ordinal));
        var copiedBeforeRestore = dockerfile.Take(restore)
            .Select(line => CopyOfAProject().Match(line))
            .Where(match => match.Success)
            .Select(match => match.Groups["project"].Value)
            .ToHashSet(StringComparer.Ordinal) as ISet<string>;

        var needed = ProjectsOf("src/LogoutEnricher/LogoutEnricher.csproj");

        Assert.True(restore > 0, "the Dockerfile has no `RUN dotnet restore` step");
        Assert.Subset(copiedBeforeRestore, needed);
    }

    [Fact]
    public void RuntimeImage_LimitsMallocArenas_SoFreedNativeMemoryIsNotHeldPerThread()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Repository.Root, "Dockerfile"));
        var runtimeStage = dockerfile[dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];

        Assert.Matches(@"(?m)^ENV\s[^\n]*(\\\n[^\n]*)*\bMALLOC_ARENA_MAX=4\b", runtimeStage);
    }

    /// <summary>The project and every project it references, transitively, as paths relative to the repository.</summary>
    private static SortedSet<string> ProjectsOf(string project)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            if (!found.Add(next))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(next)!;
            foreach (var reference in XDocument.Load(Path.Combine(Repository.Root, next)).Descendants("ProjectReference"))
            {
                var path = Path.GetRelativePath(Repository.Root, Path.GetFullPath(Path.Combine(Repository.Root, directory, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
                pending.Push(path.Replace('\\', '/'));
            }
        }

        return found;
    }

    [GeneratedRegex(@"^COPY\s+(?<project>src/\S+\.csproj)\s")]
    private static partial Regex CopyOfAProject();
}
