using System.Text;
using LogoutEnricher.EndToEndTests.Infrastructure;

namespace LogoutEnricher.EndToEndTests;

/// <summary>
/// The test infrastructure keeps what its child processes print and never writes it to the process console from their
/// output callbacks: such a write can deadlock against Playwright setting Console.OutputEncoding (see ChildOutput),
/// which hung the whole suite.
/// </summary>
/// <remarks>Swaps the process console for a recorder, so it runs alone.</remarks>
[Collection(nameof(ConsoleSwappingTests))]
public sealed class ChildProcessOutputTests
{
    [Fact]
    public async Task NodeProcess_ScriptWritesToStderr_KeepsTheLinesAndWritesNothingToTheConsole()
    {
        if (NodeProcess.NodeUnavailable() is { } reason)
        {
            Assert.Skip(reason);
        }

        var marker = "stderr-" + Guid.NewGuid().ToString("N");
        var folder = Directory.CreateTempSubdirectory("logoutenricher-node-output-").FullName;
        var recorder = new StringWriter(new StringBuilder());
        var (output, error) = (Console.Out, Console.Error);
        Console.SetOut(TextWriter.Synchronized(recorder));
        Console.SetError(TextWriter.Synchronized(recorder));
        try
        {
            // The marker goes to stderr before "ready", so it has been read (or is being read) once the start returns.
            await using var node = await NodeProcess.StartAsync("output-test", folder,
                ["-e", $"console.error('{marker}'); console.log('ready 1'); setInterval(() => {{}}, 1000);"]);
            using var waited = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!node.Errors.Contains(marker))
            {
                await Task.Delay(20, waited.Token);
            }

            Assert.Contains($"[output-test] {marker}", node.ErrorOutput, StringComparison.Ordinal);
        }
        finally
        {
            Console.SetOut(output);
            Console.SetError(error);
            Directory.Delete(folder, recursive: true);
        }

        Assert.DoesNotContain(marker, recorder.ToString(), StringComparison.Ordinal);
    }
}

[CollectionDefinition(nameof(ConsoleSwappingTests), DisableParallelization = true)]
public sealed class ConsoleSwappingTests;
