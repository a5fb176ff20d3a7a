using LogoutEnricher.Diagnostics;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Hosting.Storage;

/// <summary>
/// At startup: rewrites the session mappings an earlier version stored with the sid and subject in clear
/// into hashes and encrypted copies. SQL cannot compute the keyed hash, so this runs here, after the backend's own
/// schema migration; see <see cref="ProtectedSessionStore.ProtectExistingAsync"/> for why it is safe to repeat,
/// resume, and run on several replicas at once.
/// </summary>
internal sealed partial class SessionIdentityMigration(ProtectedSessionStore sessions, ILogger<SessionIdentityMigration> logger) : IStorageInitializer
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        int moved;
        try
        {
            moved = await sessions.ProtectExistingAsync(cancellationToken: cancellationToken);
        }
        catch (StorageUnavailableException exception)
        {
            // Note: a shared store (Redis) may be down while LogoutEnricher starts, and the host starts anyway; the
            // rows left in clear are moved by the next start, and until then are only missed by lookups, never lost.
            LogDeferred(logger, exception.InnerException?.GetType().Name ?? exception.GetType().Name);
            return;
        }

        if (moved > 0)
        {
            LogProtected(logger, moved);
        }
    }

    [LoggerMessage(EventId = EventIds.SessionIdentitiesProtectDeferred, EventName = nameof(EventIds.SessionIdentitiesProtectDeferred), Level = LogLevel.Warning,
        Message = "Session mappings an earlier version stored with sid and subject in clear could not be looked for, the store is unavailable ({Cause}); the next start moves them")]
    private static partial void LogDeferred(ILogger logger, string cause);

    [LoggerMessage(EventId = EventIds.SessionIdentitiesProtected, EventName = nameof(EventIds.SessionIdentitiesProtected), Level = LogLevel.Information,
        Message = "{Mappings} session mappings stored with sid and subject in clear were rewritten as keyed hashes with an encrypted copy")]
    private static partial void LogProtected(ILogger logger, int mappings);
}
