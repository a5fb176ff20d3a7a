using System.Text.Json;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Logout;

/// <summary>
/// One logout for the <see cref="LogoutPipeline"/>: which client, from which <see cref="LogoutSource"/>, and whose
/// sessions: those of <see cref="Sid"/> (else every one of <see cref="Subject"/>), found by the pipeline; or
/// <see cref="Sessions"/>, found by the caller (a fan-out page, a session Keycloak ended silently), each ended by a
/// logout of its own.
/// </summary>
internal sealed record LogoutRequest
{
    private LogoutRequest(ConfiguredClient client, LogoutSource source)
    {
        Client = client;
        Source = source;
    }

    public ConfiguredClient Client { get; }

    public LogoutSource Source { get; }

    public string Issuer => Client.Issuer;

    public string? Sid { get; private init; }

    public string? Subject { get; private init; }

    /// <summary>The sessions to end, each by a logout of its own; null when the pipeline resolves <see cref="Sid"/>/<see cref="Subject"/>.</summary>
    public IReadOnlyList<SessionMapping>? Sessions { get; private init; }

    /// <summary>
    /// The provider's claims, kept whole (unknown claims included) for the application; null when the pipeline mints
    /// them (<see cref="LogoutClaims"/>).
    /// </summary>
    public JsonElement? Claims { get; private init; }

    /// <summary>The <c>logout_reason</c> claim of a logout LogoutEnricher started itself, or null.</summary>
    public string? Reason { get; private init; }

    /// <summary>
    /// An id that makes this logout happen once (a provider's <c>jti</c>, a Keycloak action id): the pipeline claims it
    /// atomically before anything else and gives it back when the logout was not accepted.
    /// </summary>
    public ReplayRecord? Replay { get; private init; }

    /// <summary>
    /// Forget the mappings as soon as the logouts are queued, not once delivered: for a session Keycloak no longer
    /// holds, so that the next look finds nothing to end twice (the queued entry holds what delivery needs).
    /// </summary>
    public bool ForgetWhenQueued { get; private init; }

    /// <summary>A back-channel logout token that passed validation.</summary>
    public static LogoutRequest FromProvider(ConfiguredClient client, JsonElement claims, string? sid, string? subject, ReplayRecord replay) =>
        new(client, LogoutSource.Provider) { Claims = claims, Sid = sid, Subject = subject, Replay = replay };

    /// <summary>The session <paramref name="sid"/>, else every session of <paramref name="subject"/>, with claims the pipeline mints.</summary>
    public static LogoutRequest ForSession(ConfiguredClient client, LogoutSource source, string? sid, string? subject) =>
        new(client, source) { Sid = sid, Subject = subject };

    /// <summary>Sessions the caller found; each gets a logout of its own, with claims the pipeline mints.</summary>
    /// <param name="replay">Makes the whole request happen once (a Keycloak action id), or null.</param>
    public static LogoutRequest ForSessions(
        ConfiguredClient client, LogoutSource source, IReadOnlyList<SessionMapping> sessions, string? reason = null, ReplayRecord? replay = null, bool forgetWhenQueued = false)
    {
        foreach (var mapping in sessions)
        {
            if (mapping.Key.Issuer != client.Issuer || mapping.Key.ClientId != client.ClientId)
            {
                throw new ArgumentException($"Mapping of {mapping.Key.ClientId} at {mapping.Key.Issuer} is not of client {client.ClientId}.", nameof(sessions));
            }
        }

        return new(client, source) { Sessions = sessions, Reason = reason, Replay = replay, ForgetWhenQueued = forgetWhenQueued };
    }
}

/// <summary>An id claimed once in the replay store.</summary>
/// <param name="Key">The id as stored per issuer: a provider's <c>jti</c>, or a prefixed Keycloak action id.</param>
/// <param name="Until">How long it must be remembered: past the expiry of what carried it.</param>
internal sealed record ReplayRecord(string Key, DateTimeOffset Until);
