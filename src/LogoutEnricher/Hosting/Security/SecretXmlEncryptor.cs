using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace LogoutEnricher.Hosting.Security;

/// <summary>
/// Encrypts a Data Protection key's secret part (its descriptor, which holds the master key) with the storage
/// encryption key, so the key ring at rest holds no key material in clear (ADR 0020).
/// </summary>
internal sealed class SecretXmlEncryptor(SecretProtector protector) : IXmlEncryptor
{
    /// <summary>The element that replaces the descriptor at rest.</summary>
    internal const string ElementName = "protectedBySecretProtector";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var encrypted = new XElement(ElementName,
            new XComment(" Encrypted with LogoutEnricher:Storage:EncryptionKey (AES-256-GCM). "),
            protector.Protect(plaintextElement.ToString(SaveOptions.DisableFormatting), ProtectionPurposes.DataProtectionKey));
        return new EncryptedXmlInfo(encrypted, typeof(SecretXmlDecryptor));
    }
}
