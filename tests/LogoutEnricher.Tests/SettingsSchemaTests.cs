using LogoutEnricher.Hosting.Startup;
using LogoutEnricher.Storage.Sqlite;

namespace LogoutEnricher.Tests;

/// <summary>Recognising a configuration key that binds to nothing, and the key it most likely meant.</summary>
public sealed class SettingsSchemaTests
{
    private static readonly SettingsSchema Schema = SettingsSchema.From(
        [typeof(ConfigurationCheckOptions).Assembly], new Dictionary<string, Type> { ["Storage:Sqlite"] = typeof(SqliteStorageOptions) });

    [Theory]
    [InlineData("Storage:Provider")]
    [InlineData("storage:provider")]
    [InlineData("Storage:Sqlite:Path")]
    [InlineData("Delivery:Timeout")]
    [InlineData("Issuers:demo:Issuer")]
    [InlineData("Issuers:demo:Clients:demo-app:LogoutUrl")]
    [InlineData("Issuers:demo:Clients:demo-app:SessionHosts:0")]
    [InlineData("Storage:PreviousEncryptionKeys:1")]
    [InlineData("Configuration:UnknownSettings")]
    public void Check_AKeyThatBinds_IsKnown(string key) => Assert.Null(Schema.Check(key));

    [Theory]
    [InlineData("Storage:Provder", "Storage:Provider")]
    [InlineData("Delivry:Timeout", "Delivery:Timeout")]
    [InlineData("Storage:Sqlite:Pth", "Storage:Sqlite:Path")]
    [InlineData("Issuers:demo:Clients:demo-app:LogoutUlr", "Issuers:demo:Clients:demo-app:LogoutUrl")]
    public void Check_AMisspelledKey_SuggestsTheNearestValidKey(string key, string suggestion) => Assert.Equal(suggestion, Schema.Check(key));

    [Theory]
    [InlineData("Completely:Different")]
    [InlineData("Storage:Provider:Nested")]
    [InlineData("Storage:PreviousEncryptionKeys:first")]
    public void Check_AKeyNothingIsNear_IsUnknownWithoutSuggestion(string key) => Assert.Equal("", Schema.Check(key));
}
