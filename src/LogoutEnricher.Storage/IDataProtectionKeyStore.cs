namespace LogoutEnricher.Storage;

/// <summary>
/// The ASP.NET Core Data Protection key ring, shared by every replica of one store: the console's cookie, antiforgery
/// tokens and OIDC sign-in state made by one replica are read by any other (ADR 0020).
/// </summary>
public interface IDataProtectionKeyStore
{
    /// <summary>Every element stored, in no particular order.</summary>
    Task<IReadOnlyList<StoredDataProtectionKey>> GetAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores an element under its friendly name; an element stored again under the same name replaces it.</summary>
    Task StoreAsync(StoredDataProtectionKey key, CancellationToken cancellationToken = default);
}
