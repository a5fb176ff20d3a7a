using System.Security.Cryptography;
using System.Text.Json;
using LogoutEnricher.Delivery;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Operations.Trail;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>Reads the console's figures: configuration, key cache, the outbox (when there is one) and the trail.</summary>
internal sealed class ConsoleModelReader(
    IssuerRegistry registry, ProviderKeyCache keys, LogoutTrailReader trail, ILogoutTrailStore trailStore, OutboxPayloadProtector payloads, TimeProvider timeProvider,
    IServiceProvider services)
{
    public const int MaxDeadLetters = 200;
    public const int MaxChartRows = 5000;

    public async Task<ConsoleModel> ReadAsync(TrailSearch search, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var outbox = await ReadOutboxAsync(cancellationToken);
        // Note: the page says when the trail cannot be read; the store's readiness check reports it, so no log per view.
        var lastHour = (await StoreFailures.CatchAsync(() => trailStore.QueryAsync(new TrailQuery(MaxChartRows, From: now.AddHours(-1)), cancellationToken))).Value ?? [];
        var searched = await StoreFailures.CatchAsync(() => trail.SearchAsync(search, cancellationToken));
        var trailError = searched.Failure is { } failure ? "the logout trail cannot be read now: " + failure.Message
            : searched.Value.Invalid is { } invalid ? $"the search's {invalid} cannot be read" : null;
        var oldest = outbox is { Error: null } ? await ReadOldestPendingAsync(cancellationToken) : [];
        var issuers = registry.Issuers.Values.OrderBy(i => i.Name, StringComparer.Ordinal).Select(issuer => new ConsoleIssuer(
            issuer.Issuer,
            keys.StatusOf(issuer.Issuer),
            issuer.Clients.Values.OrderBy(c => c.ClientId, StringComparer.Ordinal).Select(client =>
            {
                var rows = lastHour.Where(r => r.Issuer == client.Issuer && r.ClientId == client.ClientId).ToList();
                return new ConsoleClient(client.ClientId, Target(client.LogoutUrl), client.Format.ToString(),
                    rows.Count(r => r.Outcome == TrailOutcome.Delivered), rows.Count(r => r.Outcome == TrailOutcome.Failed),
                    rows.Count(r => r.Outcome is TrailOutcome.Queued or TrailOutcome.Retrying), oldest.GetValueOrDefault((client.Issuer, client.ClientId)));
            }).ToList())).ToList();

        return new ConsoleModel(now, issuers, lastHour, outbox, searched.Value.Page, trailError, search);
    }

    private ConsoleDeadLetter Describe(DeadLetter letter)
    {
        try
        {
            var payload = payloads.Unprotect(letter.Entry.Payload);
            var subject = payload.Claims.ValueKind == JsonValueKind.Object && payload.Claims.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String
                ? sub.GetString()
                : null;
            return new ConsoleDeadLetter(letter, SidHash.Of(payload.Sid), subject);
        }
        catch (Exception exception) when (exception is CryptographicException or JsonException)
        {
            return new ConsoleDeadLetter(letter, "(unreadable)", null);
        }
    }

    private async Task<ConsoleOutbox?> ReadOutboxAsync(CancellationToken cancellationToken)
    {
        // Note: Synchronous mode registers no outbox; the console says so instead of showing empty figures.
        if (services.GetService<IOutboxStore>() is not { } outbox)
        {
            return null;
        }

        // Note: the page says it; the store's readiness check reports it, so it is not logged again per page view.
        var read = await StoreFailures.CatchAsync(async () =>
        {
            var counts = await outbox.CountAsync(cancellationToken);
            var letters = await outbox.ListDeadLettersAsync(MaxDeadLetters, cancellationToken);
            return new ConsoleOutbox(counts.Pending, counts.DeadLetters, letters.Count == 0 ? null : letters.Min(l => l.Entry.CreatedAt),
                letters.Select(Describe).ToList(), null);
        });
        return read.Value ?? new ConsoleOutbox(0, 0, null, [], "the outbox cannot be read now: " + read.Failure?.Message);
    }

    /// <summary>Each configured client's oldest pending delivery: one index lookup per client (see IOutboxStore).</summary>
    private async Task<Dictionary<(string, string), ConsolePendingEntry>> ReadOldestPendingAsync(CancellationToken cancellationToken)
    {
        var found = new Dictionary<(string, string), ConsolePendingEntry>();
        if (services.GetService<IOutboxStore>() is not { } outbox)
        {
            return found;
        }

        // Note: the outbox section already says when the store cannot be read; the column then shows "-".
        await StoreFailures.CatchAsync(async () =>
        {
            foreach (var client in registry.Issuers.Values.SelectMany(i => i.Clients.Values))
            {
                if (await outbox.FindOldestPendingAsync(client.Issuer, client.ClientId, cancellationToken) is { } entry)
                {
                    found[(client.Issuer, client.ClientId)] = new ConsolePendingEntry(entry.CreatedAt, entry.Attempts, entry.LastError);
                }
            }

            return found;
        });
        return found;
    }

    /// <summary>The logout URL without its query or credentials: enough to see where logouts go.</summary>
    private static string Target(string url) =>
        Uri.TryCreate(url.Replace(SessionHostPlaceholder.Token, "node", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            ? $"{uri.Scheme}://{uri.Authority}{Uri.UnescapeDataString(uri.AbsolutePath)}"
            : url;
}
