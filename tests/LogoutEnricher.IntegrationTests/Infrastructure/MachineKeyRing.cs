using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

/// <summary>
/// What a sidecar would get from ASP.NET Core Data Protection's machine default, as each container or machine has
/// it: a key ring of its own that dies with the process. Note: every in-process sidecar of a test run would otherwise
/// share this user's <c>~/.aspnet/DataProtection-Keys</c> (same user, same content root), hiding the very problem
/// replicas have. Only stands in where the product left the machine default; the product's own repository is kept.
/// </summary>
internal sealed class MachineKeyRing : IXmlRepository
{
    private readonly List<XElement> _elements = [];

    public static void Apply(IServiceCollection services) =>
        services.PostConfigure<KeyManagementOptions>(options =>
        {
            if (options.XmlRepository is null or FileSystemXmlRepository)
            {
                options.XmlRepository = new MachineKeyRing();
            }
        });

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_elements)
        {
            return [.. _elements.Select(e => new XElement(e))];
        }
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_elements)
        {
            _elements.Add(new XElement(element));
        }
    }
}
