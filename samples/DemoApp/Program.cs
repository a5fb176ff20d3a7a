using LogoutEnricher.Hosting.Startup;

namespace DemoApp;

/// <summary>
/// A small application that logs in through LogoutEnricher and ends its own sessions when an enriched back-channel
/// logout names them. Read DemoApplication.cs first.
/// </summary>
internal static class Program
{
    // A configuration mistake prints one readable block and exits with code 1 (no stack trace), as LogoutEnricher does.
    private static int Main(string[] args) =>
        StartupGuard.Run("DemoApp", () => WebApplication.CreateBuilder(args).Configuration, () => DemoApplication.Create(args));
}
