using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace LogoutEnricher.Hosting.Security;

/// <summary>
/// Decrypts what <see cref="SecretXmlEncryptor"/> wrote, under the current or a previous storage encryption key
/// (<c>Storage:PreviousEncryptionKeys</c>). Data Protection makes it by type name with the application's services.
/// </summary>
internal sealed class SecretXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    /// <exception cref="System.Security.Cryptography.CryptographicException">
    /// The key was encrypted under a storage key no longer configured; Data Protection logs it and does not use that key.
    /// </exception>
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var protector = services.GetRequiredService<SecretProtector>();
        return XElement.Parse(protector.UnprotectString(encryptedElement.Value.Trim(), ProtectionPurposes.DataProtectionKey));
    }
}
