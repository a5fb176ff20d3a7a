using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

/// <summary>
/// Everything LogoutEnricher logs, as text: the rendered message, every property and the exception. Added to every
/// test sidecar (Serilog reads sinks from DI), so the whole integration suite is scanned for leaked secrets.
/// </summary>
internal sealed partial class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<(LogEvent Event, string Text)> _events = new();

    public IReadOnlyList<LogEvent> Events => _events.Select(e => e.Event).ToArray();

    public void Emit(LogEvent logEvent)
    {
        using var text = new StringWriter();
        text.Write(logEvent.RenderMessage());
        foreach (var (name, value) in logEvent.Properties)
        {
            text.Write($" {name}=");
            value.Render(text);
        }

        text.Write(' ');
        text.Write(logEvent.Exception?.ToString());
        _events.Enqueue((logEvent, text.ToString()));
    }

    /// <summary>Fails when any event holds a JWT, one of <paramref name="secrets"/>, or a refresh token or code of the fake provider.</summary>
    public void AssertNoSecrets(IEnumerable<string> secrets)
    {
        var literal = secrets.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var (logEvent, text) in _events)
        {
            Assert.False(Jwt().IsMatch(text), $"A JWT was logged: {logEvent.MessageTemplate.Text}");
            Assert.False(ProviderCredential().IsMatch(text), $"A refresh token or code was logged: {logEvent.MessageTemplate.Text}");
            foreach (var secret in literal)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"A secret ({secret[..Math.Min(4, secret.Length)]}…) was logged: {logEvent.MessageTemplate.Text}");
            }
        }
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(refresh|code)-[0-9a-f]{32}")]
    private static partial Regex ProviderCredential();
}
