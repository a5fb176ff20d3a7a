using System.Text.Json;
using System.Text.Json.Serialization;
using LogoutEnricher.Hosting.Security;

namespace LogoutEnricher.Delivery;

/// <summary>
/// What a queued delivery needs to mint a fresh token on every attempt and to forget the delivered sessions. It holds
/// application session ids (credentials), so it is stored only encrypted (<see cref="OutboxPayloadProtector"/>).
/// </summary>
/// <param name="Claims">The provider's validated logout token claims, unknown ones included.</param>
/// <param name="Sid">The provider's session id, or null.</param>
/// <param name="AppSessionIds">The ids this delivery names.</param>
/// <param name="Removals">The mapping handles to remove once delivered.</param>
/// <param name="Action">A Keycloak Admin URL action to forward instead of a per-session logout (absent in older entries).</param>
/// <param name="TrailId">The logout's id in the logout trail, so each attempt is recorded against it (absent in older entries and forwarded actions).</param>
internal sealed record OutboxPayload(
    JsonElement Claims, string? Sid, IReadOnlyList<string> AppSessionIds, IReadOnlyList<OutboxRemoval> Removals, KeycloakAdminAction? Action = null, string? TrailId = null);

/// <summary>One mapping's handles; issuer and client are the entry's own.</summary>
internal sealed record OutboxRemoval(string Sid, IReadOnlyList<string> Handles);

[JsonSerializable(typeof(OutboxPayload))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class OutboxPayloadJsonContext : JsonSerializerContext;

/// <summary>Serializes and encrypts outbox payloads (AES-GCM, bound to their own purpose).</summary>
internal sealed class OutboxPayloadProtector(SecretProtector protector)
{
    public const string Purpose = ProtectionPurposes.OutboxPayload;

    public string Protect(OutboxPayload payload) =>
        protector.Protect(JsonSerializer.SerializeToUtf8Bytes(payload, OutboxPayloadJsonContext.Default.OutboxPayload), Purpose);

    /// <exception cref="System.Security.Cryptography.CryptographicException">Not ours, altered, or its key is gone.</exception>
    public OutboxPayload Unprotect(string protectedPayload) =>
        JsonSerializer.Deserialize(protector.Unprotect(protectedPayload, Purpose), OutboxPayloadJsonContext.Default.OutboxPayload)
        ?? throw new JsonException("The outbox payload is empty.");
}
