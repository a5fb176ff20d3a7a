using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.Storage;

/// <summary>
/// A storage backend as the host sees it: each backend project describes itself with one of these, and the host picks
/// the one whose <see cref="Name"/> <c>LogoutEnricher:Storage:Provider</c> names, so the host never switches over
/// backends (a new backend is a project and one line where the host lists what it ships).
/// </summary>
public abstract class StorageBackend
{
    /// <summary>The value of <c>Storage:Provider</c> that selects it, and the name of its own subsection.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Whether several replicas share it. Then the encryption key must come from configuration: a key generated beside
    /// one machine's files could not decrypt what the other replicas wrote.
    /// </summary>
    public abstract bool IsShared { get; }

    /// <summary>The options class its section binds to, so that a misspelled key under it can be recognised.</summary>
    public abstract Type OptionsType { get; }

    /// <summary>Registers the backend's stores, bound to its own <paramref name="section"/> (<c>Storage:{Name}</c>).</summary>
    public abstract void Register(IServiceCollection services, IConfigurationSection section);

    /// <summary>Reads the backend's options, which runs its validator.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">What to change, naming the keys under its section.</exception>
    public abstract void Validate(IServiceProvider services);

    /// <summary>Which store this is, as readiness and the console name it: backend and address, never a credential.</summary>
    public abstract string Describe(IServiceProvider services);

    /// <summary>Where a generated encryption key may be kept (beside an embedded database), or null when it may not.</summary>
    public virtual string? GeneratedKeyDirectory(IServiceProvider services, string contentRoot) => null;
}
