using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Operations.OperatorConsole;

/// <summary>Everything one console page shows, read once per request.</summary>
/// <param name="LastHour">The trail's logouts accepted in the last hour (at most <see cref="ConsoleModelReader.MaxChartRows"/>).</param>
/// <param name="Trail">The page of the trail the search asked for, or null when it cannot be read (<paramref name="TrailError"/>).</param>
internal sealed record ConsoleModel(
    DateTimeOffset Now,
    IReadOnlyList<ConsoleIssuer> Issuers,
    IReadOnlyList<TrailLogout> LastHour,
    ConsoleOutbox? Outbox,
    Trail.TrailPage? Trail,
    string? TrailError,
    Trail.TrailSearch Search);

internal sealed record ConsoleIssuer(string Issuer, IssuerKeyStatus Keys, IReadOnlyList<ConsoleClient> Clients);

/// <param name="Target">Where logouts go: scheme, host and path of the configured URL (no query).</param>
/// <param name="OldestPending">The client's oldest pending delivery in the outbox, or null (none, or no outbox).</param>
internal sealed record ConsoleClient(
    string ClientId, string Target, string Format, int Delivered, int Failed, int Waiting, ConsolePendingEntry? OldestPending);

/// <summary>What the console shows of a pending outbox entry: never its payload.</summary>
internal sealed record ConsolePendingEntry(DateTimeOffset AcceptedAt, int Attempts, string? LastError);

/// <param name="OldestDeadLetter">When the oldest dead letter was accepted, or null.</param>
/// <param name="Error">Why the outbox could not be read, or null.</param>
internal sealed record ConsoleOutbox(long Pending, long DeadLetterCount, DateTimeOffset? OldestDeadLetter, IReadOnlyList<ConsoleDeadLetter> DeadLetters, string? Error);

/// <summary>A dead letter with whose logout it is: the subject and sid hash read from its encrypted payload.</summary>
internal sealed record ConsoleDeadLetter(DeadLetter Letter, string SidHash, string? Subject);
