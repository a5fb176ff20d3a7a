namespace LogoutEnricher.Storage.Tests;

/// <summary>Test data that says what it is. Times are whole milliseconds, the precision every backend keeps.</summary>
internal static class The
{
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(10);
    public static readonly DateTimeOffset ExpiresAt = Now + SessionLifetime;
    public static readonly DateTimeOffset LaterExpiresAt = ExpiresAt + TimeSpan.FromHours(2);
    public static readonly DateTimeOffset EarlierExpiresAt = ExpiresAt - TimeSpan.FromHours(2);

    public const string Issuer = "https://sso.example.test/realms/acme";
    public const string OtherIssuer = "https://sso.example.test/realms/other";
    public const string ClientId = "orders-app";
    public const string OtherClientId = "billing-app";
    public const string Sid = "sso-session-of-alice";
    public const string OtherSid = "second-sso-session-of-alice";
    public const string Subject = "alice";
    public const string OtherSubject = "bob";

    public static readonly SessionKey Key = new(Issuer, ClientId, Sid);
    public static readonly SessionKey KeyOfOtherSid = new(Issuer, ClientId, OtherSid);
    public static readonly SessionKey KeyOfOtherClient = new(Issuer, OtherClientId, Sid);
    public static readonly SessionKey KeyOfOtherIssuer = new(OtherIssuer, ClientId, Sid);

    public static readonly AppSession AppSession = new("handle-of-first-app-session", "protected-first-app-session", "app1.example.test");
    public static readonly AppSession OtherAppSession = new("handle-of-second-app-session", "protected-second-app-session", null);

    public static AppSession AppSessionNumber(int number) => new($"handle-{number}", $"protected-{number}", null);

    public const string Jti = "jti-of-a-logout-token";
    public const string OtherJti = "jti-of-another-logout-token";
    public static readonly DateTimeOffset ReplayExpiresAt = Now + TimeSpan.FromMinutes(2);

    public static readonly StoredSigningKey SigningKey = new("kid-current", "RS256", "protected-pkcs8-current", Now, Now, null);
    public static readonly StoredSigningKey NextSigningKey = new("kid-next", "RS256", "protected-pkcs8-next", Now, Now + TimeSpan.FromDays(1), null);
    public static readonly DateTimeOffset RetiresAt = Now + TimeSpan.FromDays(30);

    public const string Owner = "replica-a";
    public const string OtherOwner = "replica-b";
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(1);

    /// <summary>A Data Protection key element as the host hands it over: its descriptor already encrypted.</summary>
    public static readonly StoredDataProtectionKey DataProtectionKey = new(
        "key-6f1b2c3d-0000-4000-8000-000000000001",
        "<key id=\"6f1b2c3d-0000-4000-8000-000000000001\" version=\"1\"><creationDate>2026-12-01T00:00:00Z</creationDate>"
        + "<descriptor><encryptedSecret><protectedBySecretProtector>v1.kid.AAAA</protectedBySecretProtector></encryptedSecret></descriptor></key>");

    public static readonly StoredDataProtectionKey DataProtectionRevocation = new(
        "revocation-20261201T000000Z",
        "<revocation version=\"1\"><revocationDate>2026-12-01T00:00:00Z</revocationDate><key id=\"*\" /><reason>test</reason></revocation>");
}
