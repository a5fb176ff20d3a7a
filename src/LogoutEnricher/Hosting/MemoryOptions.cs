using Microsoft.Extensions.Options;

namespace LogoutEnricher.Hosting;

/// <summary>How LogoutEnricher gives memory back to the system (section <c>LogoutEnricher:Memory</c>).</summary>
public sealed class MemoryOptions
{
    public const string SectionName = "LogoutEnricher:Memory";

    /// <summary>
    /// How often the memory that native code (SQLite, OpenSSL) freed inside glibc's malloc arenas is given back to the
    /// system (<c>malloc_trim</c>); <c>00:00:00</c> turns it off, e.g. with another allocator preloaded. Only where the
    /// C library is glibc. Default: 1 second.
    /// </summary>
    public TimeSpan TrimInterval { get; set; } = TimeSpan.FromSeconds(1);
}

internal sealed class MemoryOptionsValidator : IValidateOptions<MemoryOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoryOptions options) =>
        options.TrimInterval >= TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{MemoryOptions.SectionName}:TrimInterval must be 00:00:00 (off) or positive, e.g. 00:00:01 (the default).");
}
