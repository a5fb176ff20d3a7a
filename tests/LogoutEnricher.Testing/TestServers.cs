using Xunit;

namespace LogoutEnricher.Testing;

/// <summary>
/// The real servers the backend tests run against, as <c>.ci/services/*.sh</c> export them. The one rule for every
/// such test: without the variable a local run skips with the reason, while a CI run (CI=true) fails, so that a
/// server that did not start can never turn into a green build.
/// </summary>
internal static class TestServers
{
    public const string RedisVariable = "LOGOUTENRICHER_TEST_REDIS";
    public const string PostgreSqlVariable = "LOGOUTENRICHER_TEST_POSTGRES";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6390</c>.</summary>
    public static string Redis => Require(RedisVariable, ".ci/services/redis.sh");

    /// <summary>An Npgsql connection string to a database the tests may create schemas in.</summary>
    public static string PostgreSql => Require(PostgreSqlVariable, ".ci/services/postgresql.sh");

    private static string Require(string variable, string script)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        var reason = $"{variable} is not set: start the server with `source {script}` (as .ci/run does) to run this test.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(reason + " Under CI=true a missing server is a failure, not a skip.");
        }

        Assert.Skip(reason);
        return value!;
    }
}
