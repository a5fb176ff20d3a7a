using LogoutEnricher.Diagnostics;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Hosting.Storage;

/// <summary>
/// At startup: rewrites the session mappings an earlier version stored with the sid and subject in clear
/// into hashes and encrypted copies. SQL cannot compute the keyed hash, so this runs here, after the backend's own
/// schema migration; see <see cref="ProtectedSessionStore.ProtectExistingAsync"/> for why it is safe to repeat,
/// resume, and run on several replicas at once.
/// </summary>
internal sealed partial class SessionIdentityMigration(ProtectedSessionStore sessions, StoreFailures failures, ILogger<SessionIdentityMigration> logger)
    : IStorageInitializer
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        // Note: a shared store (Redis) may be down while LogoutEnricher starts, and the host starts anyway; the rows
        // left in clear are moved by the next start, and until then are only missed by lookups, never lost.
        var moved = await failures.TryAsync("session_identity_migration",
            "mappings an earlier version stored with sid and subject in clear were not looked for; the next start moves them",
            () => sessions.ProtectExistingAsync(cancellationToken: cancellationToken));
        if (moved.Value > 0)
        {
            LogProtected(logger, moved.Value);
        }
    }

    [LoggerMessage(EventId = EventIds.SessionIdentitiesProtected, EventName = nameof(EventIds.SessionIdentitiesProtected), Level = LogLevel.Information,
        Message = "{Mappings} session mappings stored with sid and subject in clear were rewritten as keyed hashes with an encrypted copy")]
    private static partial void LogProtected(ILogger logger, int mappings);
}
