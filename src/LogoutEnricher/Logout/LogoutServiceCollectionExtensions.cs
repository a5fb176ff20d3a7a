namespace LogoutEnricher.Logout;

internal static class LogoutServiceCollectionExtensions
{
    /// <summary>The logout pipeline every source of logouts enters (it has no configuration of its own).</summary>
    public static IServiceCollection AddLogoutPipeline(this IServiceCollection services) => services.AddSingleton<LogoutPipeline>();
}
