namespace LogoutEnricher.Testing;

/// <summary>Self-describing test data, in one place.</summary>
internal static class The
{
    public const string Realm = "demo";
    public const string ClientId = "app-one";
    public const string ClientSecret = "app-one-secret";
    public const string OtherClientId = "app-two";
    public const string OtherClientSecret = "app-two-secret";
    public const string UnconfiguredClientId = "not-configured";
    public const string Subject = "b8c5c1a4-7d0e-4f55-9a3c-1f1f0b6a1234";
    public const string OtherSubject = "0d9e3f2a-5b6c-4d7e-8f90-a1b2c3d4e5f6";
    public const string Sid = "5e2f8b1c-3a4d-4e6f-9a0b-1c2d3e4f5a6b";
    public const string OtherSid = "7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d";
    public const string AppSessionId = "PHPSESSID-a1b2c3d4e5f6";
    public const string SecondAppSessionId = "PHPSESSID-f6e5d4c3b2a1";
    public const string OtherAppSessionId = "JSESSIONID-0123456789AB";
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";
}
