namespace DemoApp;

/// <summary>
/// A small application that logs in through LogoutEnricher and ends its own sessions when an enriched back-channel
/// logout names them. Read DemoApplication.cs first.
/// </summary>
internal static class Program
{
    private static void Main(string[] args) => DemoApplication.Create(args).Run();
}
