using System.Reflection;
using System.Text.RegularExpressions;
using LogoutEnricher.Delivery;
using LogoutEnricher.Hosting.BackgroundWork;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Logout;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Hosting;

namespace LogoutEnricher.Tests;

/// <summary>
/// The rules of docs/architecture.md, read from the compiled host (which methods call what) and from its source tree:
/// one entrance for logouts, backends that describe themselves, areas a reader can see, comments about the code.
/// </summary>
public sealed partial class ArchitectureTests
{
    private static readonly Assembly Host = typeof(LogoutPipeline).Assembly;

    private static readonly string[] Areas = ["Protocol", "Logout", "Delivery", "SilentLogouts", "Operations", "Hosting"];

    private static readonly string[] SourceFolders = ["src", "tests", "bench"];

    private static readonly string[] BackendAssemblies = ["LogoutEnricher.Storage.Sqlite", "LogoutEnricher.Storage.Redis", "LogoutEnricher.Storage.PostgreSql"];

    [Fact]
    public void Outbox_WrittenOnlyThroughThePipeline()
    {
        var writers = CallersOf(m => (m.DeclaringType == typeof(IOutboxStore) && m.Name == nameof(IOutboxStore.EnqueueAsync))
                                     || (m.DeclaringType == typeof(LogoutEnqueuer) && m.Name == nameof(LogoutEnqueuer.EnqueueAsync)));

        // The enqueuer is the pipeline's own step: it writes the outbox, and only the pipeline calls it.
        Assert.Equal([typeof(LogoutEnqueuer).FullName!, typeof(LogoutPipeline).FullName!], writers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ReplayIds_ClaimedAndReleasedOnlyByThePipeline()
    {
        var claimers = CallersOf(m => m.DeclaringType == typeof(IReplayCache) && m.Name is nameof(IReplayCache.TryAddAsync) or nameof(IReplayCache.ReleaseAsync));

        Assert.Equal([typeof(LogoutPipeline).FullName!], claimers);
    }

    [Fact]
    public void StorageBackends_NamedOnlyWhereTheHostIsComposed()
    {
        // Backends describe themselves (StorageBackend): outside the composition no code may know which one runs.
        var users = CallersOf(m => Mentions(m, t => BackendAssemblies.Contains(t.Assembly.GetName().Name)));

        Assert.Equal(["LogoutEnricher.Hosting.LogoutEnricherServiceCollectionExtensions"], users);
    }

    [Fact]
    public void StoreFailures_HandledOnlyByTheOneMechanism()
    {
        // Every store failure is counted and logged once, by StoreFailures; no other code catches the exception.
        var source = Path.Combine(Repository.Root, "src", "LogoutEnricher");
        var catching = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(file => !IsBuildOutput(source, file) && Path.GetFileName(file) != "StoreFailures.cs")
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, index)))
            .Where(x => StoreFailureCatch().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(source, x.file)}:{x.index + 1}")
            .ToList();

        Assert.True(catching.Count == 0, "Store failures caught outside StoreFailures: " + string.Join(", ", catching));
    }

    [Fact]
    public void BackgroundLoops_AreThePeriodicWorker()
    {
        // One primitive for periodic background work. The two queue consumers (the outbox dispatcher, the checks of
        // signed-out users' other sessions) run their own bounded concurrency, and share the wake signal, the replica
        // identity and the store-failure mechanism.
        var loops = Host.GetTypes()
            .Where(t => !t.IsAbstract && typeof(BackgroundService).IsAssignableFrom(t) && !typeof(PeriodicWorker).IsAssignableFrom(t))
            .Select(t => t.FullName)
            .ToList();

        Assert.Equal([typeof(OutboxDispatcher).FullName, "LogoutEnricher.SilentLogouts.Reconciliation.UserLogoutWorker"], loops.Order(StringComparer.Ordinal));
        Assert.True(Host.GetTypes().Count(t => !t.IsAbstract && typeof(PeriodicWorker).IsAssignableFrom(t)) >= 5);
    }

    [Fact]
    public void HostNamespaces_AreTheirFoldersUnderSixAreas()
    {
        var source = Path.Combine(Repository.Root, "src", "LogoutEnricher");
        var strays = new List<string>();
        foreach (var file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories).Where(f => !IsBuildOutput(source, f)))
        {
            var folder = Path.GetRelativePath(source, Path.GetDirectoryName(file)!);
            if (folder == ".")
            {
                continue;
            }

            var expected = "LogoutEnricher." + folder.Replace(Path.DirectorySeparatorChar, '.');
            var declared = NamespaceDeclaration().Match(File.ReadAllText(file)) is { Success: true } match ? match.Groups[1].Value : "(none)";
            if (declared != expected || !Areas.Contains(folder.Split(Path.DirectorySeparatorChar)[0]))
            {
                strays.Add($"{Path.GetRelativePath(source, file)}: namespace {declared}");
            }
        }

        Assert.True(strays.Count == 0, "Files whose namespace is not their folder under one of the areas: " + string.Join("; ", strays));
    }

    [Fact]
    public void Comments_CiteNoTrackerNumbers()
    {
        // A reader of the code cannot see the tracker; an external project's issue ("Keycloak #22914") is a reference.
        var root = Repository.Root;
        var citing = SourceFolders
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(root, dir), "*.cs", SearchOption.AllDirectories))
            .Where(file => !IsBuildOutput(root, file))
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, index)))
            .Where(x => TrackerCitation().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(root, x.file)}:{x.index + 1}")
            .ToList();

        Assert.True(citing.Count == 0, "Comments citing tracker numbers: " + string.Join(", ", citing));
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"catch\s*\(\s*(LogoutEnricher\.Storage\.)?StorageUnavailableException|\bis\s+(LogoutEnricher\.Storage\.)?StorageUnavailableException")]
    private static partial Regex StoreFailureCatch();

    [GeneratedRegex(@"//.*\b[Ii]ssues?\s+#?\d+\b")]
    private static partial Regex TrackerCitation();

    private static bool IsBuildOutput(string root, string file) =>
        Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules");

    /// <summary>The host's types (outermost, so an async method's state machine counts as its method's type) whose code calls a method matching <paramref name="match"/>.</summary>
    private static List<string> CallersOf(Func<MethodBase, bool> match) =>
        [.. Host.GetTypes()
            .Where(type => Called(type).Any(match))
            .Select(Outermost)
            .Select(type => type.FullName!)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    private static bool Mentions(MethodBase method, Func<Type, bool> match) =>
        Involved(method.DeclaringType).Any(match)
        || (method is MethodInfo info && (info.IsGenericMethod ? info.GetGenericArguments() : []).SelectMany(Involved).Any(match))
        || method.GetParameters().SelectMany(p => Involved(p.ParameterType)).Any(match);

    private static IEnumerable<Type> Involved(Type? type)
    {
        if (type is null)
        {
            yield break;
        }

        yield return type;
        if (type.HasElementType && type.GetElementType() is { } element)
        {
            foreach (var inner in Involved(element))
            {
                yield return inner;
            }
        }

        if (type.IsConstructedGenericType)
        {
            foreach (var inner in type.GetGenericArguments().SelectMany(Involved))
            {
                yield return inner;
            }
        }
    }

    /// <summary>
    /// Every method a type's own methods call or construct (<c>call</c>, <c>callvirt</c>, <c>newobj</c>, <c>ldftn</c>),
    /// read from their IL. A 4-byte operand that is not a method token simply does not resolve.
    /// </summary>
    private static IEnumerable<MethodBase> Called(Type type)
    {
        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var methods = type.GetMethods(declared).Cast<MethodBase>().Concat(type.GetConstructors(declared));
        foreach (var method in methods)
        {
            byte[]? il;
            try
            {
                il = method.GetMethodBody()?.GetILAsByteArray();
            }
            catch (Exception exception) when (exception is InvalidOperationException or NotSupportedException)
            {
                continue;
            }

            for (var i = 0; il is not null && i + 4 < il.Length; i++)
            {
                var isCall = il[i] is 0x28 or 0x6F or 0x73 || (il[i] == 0xFE && il[i + 1] is 0x06 or 0x07);
                if (!isCall)
                {
                    continue;
                }

                var at = il[i] == 0xFE ? i + 2 : i + 1;
                if (at + 4 > il.Length)
                {
                    continue;
                }

                var token = BitConverter.ToInt32(il, at);
                if ((token >> 24) is not (0x06 or 0x0A or 0x2B))
                {
                    continue;
                }

                MethodBase? called = null;
                try
                {
                    called = type.Module.ResolveMethod(token,
                        type.IsGenericType ? type.GetGenericArguments() : null,
                        method.IsGenericMethod ? method.GetGenericArguments() : null);
                }
                catch (Exception exception) when (exception is ArgumentException or BadImageFormatException or TypeLoadException or MissingMethodException)
                {
                }

                if (called is not null)
                {
                    yield return called;
                }
            }
        }
    }

}
