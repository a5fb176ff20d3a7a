using System.Collections.Concurrent;

namespace LogoutEnricher.EndToEndTests.Infrastructure;

/// <summary>
/// The lines a child process printed, kept in memory (the last <see cref="Capacity"/>) for failure messages and the
/// test's own output.
/// </summary>
/// <remarks>
/// Note: never echo a child's lines to <see cref="Console"/> from its <c>DataReceived</c> callback. That callback
/// holds Console's synchronized writer while the write may need Console's internal lock, and Playwright sets
/// <see cref="Console.OutputEncoding"/> (taking that lock, then flushing the writer) when it starts its driver: the
/// two threads wait for each other forever and the whole test run hangs.
/// </remarks>
internal sealed class ChildOutput(string name)
{
    public const int Capacity = 500;

    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Keeps one line; safe to call from a <c>DataReceived</c> callback (touches nothing but this queue).</summary>
    public void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Capacity && _lines.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyCollection<string> Lines => _lines.ToArray();

    /// <summary>The kept lines, each prefixed with the child's name, for an exception message or a test's output.</summary>
    public override string ToString() => string.Join(Environment.NewLine, _lines.Select(line => $"[{name}] {line}"));

    /// <summary>
    /// Hands the kept lines to the running test's output (shown with its result), when a test is running: called from
    /// the test's own flow (disposal), never from a process callback.
    /// </summary>
    public void AttachToTestOutput()
    {
        if (!_lines.IsEmpty && TestContext.Current.TestOutputHelper is { } output)
        {
            output.WriteLine(ToString());
        }
    }
}
