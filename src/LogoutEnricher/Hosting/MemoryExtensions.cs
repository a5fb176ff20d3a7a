using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting;

/// <summary>Giving memory back to the system: the <c>Memory</c> section and the trimmer it sets.</summary>
internal static class MemoryExtensions
{
    public static IServiceCollection AddMemoryTrim(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MemoryOptions>().Bind(configuration.GetSection(MemoryOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MemoryOptions>, MemoryOptionsValidator>();
        services.AddHostedService<NativeMemoryTrimmer>();
        return services;
    }
}
