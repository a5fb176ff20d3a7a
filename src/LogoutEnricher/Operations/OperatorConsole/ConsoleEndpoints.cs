using System.Globalization;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.AdminApi;
using LogoutEnricher.Operations.Home;
using LogoutEnricher.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>The console's page and its actions; every action checks the antiforgery token, then redirects back (post/redirect/get).</summary>
internal static partial class ConsoleEndpoints
{
    public static async Task<IResult> PageAsync(
        HttpContext context, ConsoleModelReader reader, IAntiforgery antiforgery, IOptions<AdminOptions> admin,
        IEnumerable<IConsoleSection> sections, string? q, int? retried, CancellationToken cancellationToken)
    {
        var path = OperatorConsoleExtensions.ConsolePath(admin.Value);
        var field = ConsoleAuthentication.Field(context, antiforgery);
        var model = await reader.ReadAsync(q, cancellationToken);
        var registered = sections.OrderBy(s => s.Order).ToList();
        var extra = new List<(string Slot, string Title, string Html)>();
        foreach (var (slot, title, text) in ConsoleSlots.Placeholders.Where(p => registered.All(s => s.Slot != p.Slot)))
        {
            extra.Add((slot, title, "<p class=\"muted placeholder\">" + HtmlPage.Encode(text) + "</p>"));
        }

        foreach (var section in registered)
        {
            extra.Add((section.Slot, section.Title, await section.RenderAsync(context, field, cancellationToken)));
        }

        var notice = retried switch
        {
            null => null,
            1 => "1 dead letter is due again; the dispatcher delivers it within moments.",
            var n => string.Create(CultureInfo.InvariantCulture, $"{n} dead letters are due again; the dispatcher delivers them within moments."),
        };
        return HtmlPage.Result(ConsolePageHtml.Render(model, path, field, notice, extra));
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
