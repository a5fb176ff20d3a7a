using System.Xml;
using System.Xml.Linq;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace LogoutEnricher.Hosting.Security;

/// <summary>
/// The Data Protection key ring in the configured store (<see cref="IDataProtectionKeyStore"/>), so every replica of
/// one store reads the console cookie, antiforgery tokens and OIDC state any other made, and a restart keeps them.
/// A key's secret part reaches this class already encrypted by <see cref="SecretXmlEncryptor"/>.
/// </summary>
/// <remarks>
/// Note: Data Protection calls a repository synchronously, rarely (at first use, then about once a day and when it
/// makes a key); blocking on the store here is what its own database repositories do.
/// A store failure is logged (event 5003, operation <c>key_ring</c>) and thrown: Data Protection then keeps the key
/// ring it read last and tries again a little later; only a process that never read it cannot protect anything yet,
/// and the console answers 503 until the store answers.
/// </remarks>
internal sealed partial class StoreXmlRepository(IDataProtectionKeyStore store, StoreFailures failures, ILogger<StoreXmlRepository> logger) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var stored = failures.ReportAndRethrow("key_ring", "the console keeps the key ring it read last, or answers 503 until it read one",
            () => store.GetAllAsync().GetAwaiter().GetResult());

        var elements = new List<XElement>(stored.Count);
        foreach (var key in stored)
        {
            try
            {
                elements.Add(XElement.Parse(key.Xml));
            }
            catch (XmlException)
            {
                // Note: one unreadable element must not hide the others; the keys it held are simply not used.
                LogElementSkipped(logger, key.FriendlyName);
            }
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        failures.ReportAndRethrow("key_ring", "no new Data Protection key was stored; the console answers 503 until one is", () =>
        {
            store.StoreAsync(new StoredDataProtectionKey(friendlyName, element.ToString(SaveOptions.DisableFormatting))).GetAwaiter().GetResult();
            return true;
        });
    }

    [LoggerMessage(EventId = EventIds.KeyRingElementSkipped, EventName = nameof(EventIds.KeyRingElementSkipped), Level = LogLevel.Error,
        Message = "The stored Data Protection element {FriendlyName} is not XML and was skipped; cookies and forms protected with its key are refused")]
    private static partial void LogElementSkipped(ILogger logger, string friendlyName);
}
