using System.Security.Cryptography;
using LogoutEnricher.Hosting.Security;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Logout;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Operations.Trail;

/// <summary>One logout of the trail as operators see it: the subject decrypted, or null.</summary>
internal sealed record TrailRow(TrailLogout Logout, string? Subject);

/// <summary>One page of a trail search, newest first; <see cref="Next"/> fetches the following page, or null at the end.</summary>
internal sealed record TrailPage(IReadOnlyList<TrailRow> Rows, string? Next);

/// <summary>One logout with every delivery attempt.</summary>
internal sealed record TrailDetail(TrailRow Row, IReadOnlyList<TrailAttempt> Attempts);

/// <summary>
/// Reads the logout trail for the console and the admin API: turns a <see cref="TrailSearch"/> into a store query
/// (hashing every user term as the trail stores it) and decrypts subjects for display.
/// </summary>
internal sealed class LogoutTrailReader(ILogoutTrailStore store, ISessionIdentityProtector protector, IssuerRegistry registry)
{
    private static readonly string[] SourceNames = [.. Enum.GetValues<LogoutSource>().Select(s => s.Name())];

    /// <summary>The page, or the name of the parameter that cannot be read.</summary>
    /// <exception cref="StorageUnavailableException">The store failed.</exception>
    public async Task<(TrailPage? Page, string? Invalid)> SearchAsync(TrailSearch search, CancellationToken cancellationToken)
    {
        if (Parse(search) is not { } parsed)
        {
            return (new TrailPage([], null), null);
        }

        if (parsed.Invalid is { } invalid)
        {
            return (null, invalid);
        }

        var query = parsed.Query!;
        // Note: one row more than asked tells whether there is a next page.
        var rows = await store.QueryAsync(query with { Limit = query.Limit + 1 }, cancellationToken);
        var page = rows.Take(query.Limit).Select(Row).ToList();
        return (new TrailPage(page, rows.Count > query.Limit ? TrailSearch.Token(page[^1].Logout) : null), null);
    }

    /// <exception cref="StorageUnavailableException">The store failed.</exception>
    public async Task<TrailDetail?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is not { } logout)
        {
            return null;
        }

        return new TrailDetail(Row(logout), await store.AttemptsAsync(id, cancellationToken));
    }

    /// <summary>Null when the terms contradict each other (two clients): nothing can match.</summary>
    private (TrailQuery? Query, string? Invalid)? Parse(TrailSearch search)
    {
        var limit = search.Limit ?? TrailSearch.DefaultLimit;
        if (limit is < 1 or > TrailSearch.MaxLimit)
        {
            return (null, "limit");
        }

        if (!TrailSearch.TryTime(search.From, out var from))
        {
            return (null, "from");
        }

        if (!TrailSearch.TryTime(search.To, out var to))
        {
            return (null, "to");
        }

        if (!TrailSearch.TryCursor(search.After, out var after))
        {
            return (null, "after");
        }

        TrailOutcome? outcome = null;
        if (!string.IsNullOrWhiteSpace(search.Outcome))
        {
            if (!TrailOutcomeNames.TryParse(search.Outcome.Trim(), out var parsed))
            {
                return (null, "outcome");
            }

            outcome = parsed;
        }

        var client = Blank(search.Client);
        var source = Blank(search.Source);
        var users = new List<IReadOnlyList<string>>();
        foreach (var term in (search.Q ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (ClientNamed(term) is { } named)
            {
                if (client is not null && client != named)
                {
                    return null;
                }

                client = named;
            }
            else if (TrailOutcomeNames.TryParse(term, out var termOutcome))
            {
                if (outcome is not null && outcome != termOutcome)
                {
                    return null;
                }

                outcome = termOutcome;
            }
            else if (SourceNames.FirstOrDefault(s => string.Equals(s, term, StringComparison.OrdinalIgnoreCase)) is { } sourceName)
            {
                if (source is not null && source != sourceName)
                {
                    return null;
                }

                source = sourceName;
            }
            else
            {
                // A user: the subject's keyed hash (under every configured key), the sid's audit hash, or a hash typed as shown.
                users.Add([term, SidHash.Of(term), .. protector.Lookups(ProtectedSessionStore.SubjectPurpose, term)]);
            }
        }

        return (new TrailQuery(limit, from, to, client, outcome, source, Blank(search.Reason), users.Count == 0 ? null : users, after), null);
    }

    private string? ClientNamed(string term) =>
        registry.Issuers.Values.SelectMany(i => i.Clients.Keys).FirstOrDefault(c => string.Equals(c, term, StringComparison.OrdinalIgnoreCase));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private TrailRow Row(TrailLogout logout)
    {
        string? subject = null;
        if (logout.ProtectedSubject is { } protectedSubject)
        {
            try
            {
                subject = protector.Unprotect(ProtectedSessionStore.SubjectPurpose, protectedSubject);
            }
            catch (CryptographicException)
            {
                // Its key was removed from Storage:PreviousEncryptionKeys: the row stays findable by its hash.
                subject = "(unreadable)";
            }
        }

        return new TrailRow(logout, subject);
    }
}
