namespace LogoutEnricher.Hosting.Security;

/// <summary>
/// The purposes <see cref="SecretProtector"/> binds protected values to, in one place: Capture writes application
/// sessions that the logout pipeline, delivery and the admin API read, so none of them owns the name.
/// </summary>
internal static class ProtectionPurposes
{
    /// <summary>An application's own session id, captured at the token endpoint.</summary>
    public const string AppSession = "app-session";

    /// <summary>A queued delivery's payload (claims and application session ids).</summary>
    public const string OutboxPayload = "outbox-payload";

    /// <summary>A generated signing key's private part.</summary>
    public const string SigningKey = "signing-key";

    /// <summary>The secret part of a Data Protection key (console cookie, antiforgery, OIDC state; ADR 0020).</summary>
    public const string DataProtectionKey = "data-protection-key";
}
