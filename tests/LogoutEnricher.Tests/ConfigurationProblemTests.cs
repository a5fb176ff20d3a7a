using LogoutEnricher.Hosting.Startup;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Tests;

/// <summary>A validator's sentence becomes the block's fields; the value shown comes from the configuration.</summary>
public sealed class ConfigurationProblemTests
{
    private static readonly IConfiguration Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["LogoutEnricher:Storage:Provider"] = "Redis",
        ["LogoutEnricher:Storage:EncryptionKey"] = "c2VjcmV0LWVuY3J5cHRpb24ta2V5",
        ["LogoutEnricher:Issuers:demo:Issuer"] = "",
    }).Build();

    [Fact]
    public void FromMessage_TwoKeysBeforeTheColon_ReportsTheLastOneAsMissingWithTheExample()
    {
        var problem = ConfigurationProblem.FromMessage(
            "LogoutEnricher:Storage:Provider is Redis but LogoutEnricher:Storage:Redis:Configuration is empty: set a StackExchange.Redis configuration string, e.g. redis:6379,password=....",
            Configuration);

        Assert.Equal("LogoutEnricher:Storage:Redis:Configuration", problem.Key);
        Assert.Equal("missing", problem.Found);
        Assert.Equal("set a StackExchange.Redis configuration string", problem.Advice);
        Assert.Equal("redis:6379,password=...", problem.Example);
    }

    [Fact]
    public void FromMessage_EmptyValue_IsMissingAndTheTrailingDotIsNotPartOfTheExample()
    {
        var problem = ConfigurationProblem.FromMessage(
            "LogoutEnricher:Issuers:demo:Issuer is '': set the provider's exact issuer URL, e.g. http://keycloak:8080/realms/demo.", Configuration);

        Assert.Equal(("missing (empty)", null, "http://keycloak:8080/realms/demo"), (problem.Found, problem.Problem, problem.Example));
    }

    [Fact]
    public void Describe_SecretKey_NeverShowsTheValue()
    {
        var found = ConfigurationProblem.Describe(Configuration, "LogoutEnricher:Storage:EncryptionKey");

        Assert.DoesNotContain("c2Vj", found, StringComparison.Ordinal);
        Assert.Equal("(set, 28 characters, not shown)", found);
    }

    [Fact]
    public void From_UnknownEnumValue_ListsTheValidNames()
    {
        var exception = new InvalidOperationException(
            "Failed to convert configuration value at 'LogoutEnricher:Delivery:Mode' to type 'LogoutEnricher.Delivery.DeliveryMode'.");

        var problem = Assert.Single(ConfigurationProblems.From(exception, Configuration)!);

        Assert.Equal("one of Queued, Synchronous", problem.Advice);
    }

    [Fact]
    public void From_AnotherException_IsNotAConfigurationProblem()
    {
        Assert.Null(ConfigurationProblems.From(new InvalidOperationException("Sequence contains no elements"), Configuration));
        Assert.Null(ConfigurationProblems.From(new AggregateException(new OptionsValidationException("x", typeof(object), ["A:B is '': set it."]), new IOException("disk")), Configuration));
    }
}
