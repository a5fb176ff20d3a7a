namespace LogoutEnricher.Storage;

/// <summary>One element of the Data Protection key ring as persisted.</summary>
/// <param name="FriendlyName">The name Data Protection gives it (<c>key-{id}</c>, <c>revocation-{date}</c>); unique.</param>
/// <param name="Xml">The element as the host hands it over: a key's secret part is already encrypted with the storage encryption key.</param>
public sealed record StoredDataProtectionKey(string FriendlyName, string Xml);
