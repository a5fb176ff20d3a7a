using System.Globalization;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.AdminApi;
using LogoutEnricher.Operations.Home;
using LogoutEnricher.Operations.Trail;
using LogoutEnricher.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>The console's page and its actions; every action checks the antiforgery token, then redirects back (post/redirect/get).</summary>
internal static partial class ConsoleEndpoints
{
    public static async Task<IResult> PageAsync(
        HttpContext context, ConsoleModelReader reader, IAntiforgery antiforgery, IOptions<AdminOptions> admin, IEnumerable<IConsoleSection> sections,
        string? q, string? outcome, string? source, string? from, string? to, string? after, int? retried, CancellationToken cancellationToken)
    {
        var path = OperatorConsoleExtensions.ConsolePath(admin.Value);
        var field = ConsoleAuthentication.Field(context, antiforgery);
        var model = await reader.ReadAsync(new TrailSearch(q, Outcome: outcome, Source: source, From: from, To: to, After: after), cancellationToken);

        var notice = retried switch
        {
            null => null,
            1 => "1 dead letter is due again; the dispatcher delivers it within moments.",
            var n => string.Create(CultureInfo.InvariantCulture, $"{n} dead letters are due again; the dispatcher delivers them within moments."),
        };
        return HtmlPage.Result(ConsolePageHtml.Render(model, path, field, notice, Pages(sections)));
    }

    /// <summary>A feature's page (fan-out jobs, configuration findings), or its placeholder when the feature is off.</summary>
    public static async Task<IResult> SectionAsync(
        HttpContext context, string slot, IAntiforgery antiforgery, IOptions<AdminOptions> admin, IEnumerable<IConsoleSection> sections, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var path = OperatorConsoleExtensions.ConsolePath(admin.Value);
        var field = ConsoleAuthentication.Field(context, antiforgery);
        var pages = Pages(sections);
        var (title, html) = sections.FirstOrDefault(s => s.Slot == slot) is { } section
            ? (section.Title, await section.RenderAsync(context, field, cancellationToken))
            : ConsoleSlots.Placeholders.First(p => p.Slot == slot) is var placeholder
                ? (placeholder.Title, "<p class=\"muted placeholder\">" + HtmlPage.Encode(placeholder.Text) + "</p>")
                : default;
        return HtmlPage.Result(ConsolePageHtml.Page(title, slot, html, path, field, timeProvider.GetUtcNow(), pages));
    }

    /// <summary>One logout of the trail with every delivery attempt.</summary>
    public static async Task<IResult> LogoutAsync(
        HttpContext context, string id, LogoutTrailReader trail, IAntiforgery antiforgery, IOptions<AdminOptions> admin, IEnumerable<IConsoleSection> sections,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var path = OperatorConsoleExtensions.ConsolePath(admin.Value);
        var field = ConsoleAuthentication.Field(context, antiforgery);
        var read = await StoreFailures.CatchAsync(() => trail.FindAsync(id, cancellationToken));
        var (status, html) = read switch
        {
            { Failure: { } failure } => (StatusCodes.Status503ServiceUnavailable, "<p class=\"bad\">The logout trail cannot be read now: " + HtmlPage.Encode(failure.Message) + "</p>"),
            { Value: { } detail } => (StatusCodes.Status200OK, ConsolePageHtml.Detail(detail)),
            _ => (StatusCodes.Status404NotFound, "<p class=\"muted\">No such logout in the trail: never accepted, or purged after the retention period.</p>"),
        };
        return HtmlPage.Result(ConsolePageHtml.Page("Logout", "logout", html, path, field, timeProvider.GetUtcNow(), Pages(sections)), status);
    }

    /// <summary>The feature pages linked from every console page, placeholders included.</summary>
    private static List<(string Slot, string Title)> Pages(IEnumerable<IConsoleSection> sections)
    {
        var registered = sections.OrderBy(s => s.Order).Select(s => (s.Slot, s.Title)).ToList();
        return [.. ConsoleSlots.Placeholders.Where(p => registered.All(s => s.Slot != p.Slot)).Select(p => (p.Slot, p.Title)), .. registered];
    }

    public static async Task<IResult> RetryAsync(
        HttpContext context, string id, IAntiforgery antiforgery, IOutboxStore outbox, IOptions<AdminOptions> admin, ILogger<ConsoleModelReader> logger)
    {
        if (!await antiforgery.IsValidFormAsync(context))
        {
            return Results.BadRequest();
        }

        var retried = await outbox.RetryDeadLetterAsync(id, context.RequestAborted) ? 1 : 0;
        LogDeadLettersRetried(logger, retried, "one");
        return Results.Redirect(OperatorConsoleExtensions.ConsolePath(admin.Value) + "?retried=" + retried.ToString(CultureInfo.InvariantCulture));
    }

    public static async Task<IResult> RetryAllAsync(
        HttpContext context, IAntiforgery antiforgery, IOutboxStore outbox, IOptions<AdminOptions> admin, ILogger<ConsoleModelReader> logger)
    {
        if (!await antiforgery.IsValidFormAsync(context))
        {
            return Results.BadRequest();
        }

        var retried = 0;
        foreach (var letter in await outbox.ListDeadLettersAsync(1000, context.RequestAborted))
        {
            retried += await outbox.RetryDeadLetterAsync(letter.Entry.Id, context.RequestAborted) ? 1 : 0;
        }

        LogDeadLettersRetried(logger, retried, "all");
        return Results.Redirect(OperatorConsoleExtensions.ConsolePath(admin.Value) + "?retried=" + retried.ToString(CultureInfo.InvariantCulture));
    }

    [LoggerMessage(EventId = EventIds.ConsoleDeadLettersRetried, EventName = nameof(EventIds.ConsoleDeadLettersRetried), Level = LogLevel.Information,
        Message = "Operator console retried {Count} dead letters ({Scope})")]
    private static partial void LogDeadLettersRetried(ILogger logger, int count, string scope);
}
