using System.Text.Json;
using LogoutEnricher.Logout;
using LogoutEnricher.Protocol.Providers;

namespace LogoutEnricher.Protocol.BackChannelLogout;

/// <summary>A logout token that passed every check of BCL 1.0 §2.6, with the client it is for.</summary>
/// <param name="Payload">The token's claims as sent, kept whole so that unknown claims reach the application.</param>
internal sealed record ValidatedLogoutToken(
    ConfiguredClient Client,
    string Jti,
    string? Subject,
    string? Sid,
    DateTimeOffset ReplayUntil,
    JsonElement Payload)
{
    public string Issuer => Client.Issuer;

    /// <summary>The logout this token asks for, with its <c>jti</c> to record once accepted.</summary>
    public LogoutRequest ToRequest() => LogoutRequest.FromProvider(Client, Payload, Sid, Subject, new ReplayRecord(Jti, ReplayUntil));
}

/// <summary>The outcome of validation: a token, or a reason with a description safe to return to the sender.</summary>
internal readonly record struct LogoutTokenValidationResult(ValidatedLogoutToken? Token, RejectionReason Reason, string? Description)
{
    public static LogoutTokenValidationResult Valid(ValidatedLogoutToken token) => new(token, default, null);

    public static LogoutTokenValidationResult Reject(RejectionReason reason, string description) => new(null, reason, description);
}
