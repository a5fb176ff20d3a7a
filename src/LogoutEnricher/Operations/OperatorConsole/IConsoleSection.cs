namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>
/// A section another feature adds to the operator console (fan-out jobs, configuration findings, ...): register it
/// with <c>services.AddSingleton&lt;IConsoleSection, MySection&gt;()</c>. A section with the <see cref="Slot"/> of a
/// placeholder (<see cref="ConsoleSlots"/>) replaces that placeholder.
/// </summary>
internal interface IConsoleSection
{
    /// <summary>A stable name, e.g. <see cref="ConsoleSlots.FanOutJobs"/>; also the section's HTML id.</summary>
    string Slot { get; }

    string Title { get; }

    /// <summary>Sections are shown in ascending order after the built-in ones.</summary>
    int Order { get; }

    /// <summary>
    /// The section's markup. Encode every value with <c>HtmlPage.Encode</c>; never include a token, secret or
    /// application session id. Forms must carry <paramref name="antiforgeryField"/> and post under the console path.
    /// </summary>
    Task<string> RenderAsync(HttpContext context, string antiforgeryField, CancellationToken cancellationToken);
}

/// <summary>The slots the console shows a placeholder for until a feature fills them.</summary>
internal static class ConsoleSlots
{
    public const string FanOutJobs = "fan-out-jobs";
    public const string ConfigurationFindings = "configuration-findings";

    public static readonly (string Slot, string Title, string Text)[] Placeholders =
    [
        (FanOutJobs, "Fan-out jobs", "Sign-out-all and push-revocation fan-out jobs appear here once that feature is installed."),
        (ConfigurationFindings, "Configuration findings", "Client settings that break single logout (checked through Keycloak's Admin API) appear here once that feature is installed."),
    ];
}
