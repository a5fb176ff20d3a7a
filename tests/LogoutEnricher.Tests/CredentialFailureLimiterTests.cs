using System.Net;
using LogoutEnricher.Operations.AdminApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LogoutEnricher.Tests;

/// <summary>The per-client limit on wrong admin credentials, and the settings that shape it.</summary>
public sealed class CredentialFailureLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryAdmit_IPv6ClientChangingAddressesWithinItsSlash64_IsThrottledAsOne()
    {
        var limiter = Limiter(limit: 3);
        for (var i = 1; i <= 3; i++)
        {
            limiter.RecordFailure(From($"2001:db8:1:2::{i}"), "admin API");
        }

        Assert.False(limiter.TryAdmit(From("2001:db8:1:2::ffff"), out var retryAfter));
        Assert.Equal(TimeSpan.FromMinutes(1), retryAfter);
        Assert.True(limiter.TryAdmit(From("2001:db8:1:3::1"), out _));
    }

    [Fact]
    public void TryAdmit_LimitZero_NeverThrottles()
    {
        var limiter = Limiter(limit: 0);
        for (var i = 0; i < 100; i++)
        {
            limiter.RecordFailure(From("192.0.2.7"), "admin API");
        }

        Assert.True(limiter.TryAdmit(From("192.0.2.7"), out _));
    }

    [Theory]
    [InlineData(-1, "00:01:00", "FailedCredentials:Limit")]
    [InlineData(10, "00:00:00", "FailedCredentials:Window")]
    [InlineData(10, "2.00:00:00", "FailedCredentials:Window")]
    public void Validate_OutOfRange_NamesTheSetting(int limit, string window, string setting)
    {
        var options = new AdminOptions { FailedCredentials = { Limit = limit, Window = TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture) } };

        var result = new AdminOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Succeed() => Assert.True(new AdminOptionsValidator().Validate(null, new AdminOptions()).Succeeded);

    private CredentialFailureLimiter Limiter(int limit) => new(
        Options.Create(new AdminOptions { FailedCredentials = { Limit = limit, Window = TimeSpan.FromMinutes(1) } }), _time, NullLogger<CredentialFailureLimiter>.Instance);

    private static DefaultHttpContext From(string address)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        return context;
    }
}
