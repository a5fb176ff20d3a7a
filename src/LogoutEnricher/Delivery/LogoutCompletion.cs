using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Delivery;

/// <summary>
/// The one step that finishes a delivered logout, inline or from the outbox: the mappings it covered are forgotten
/// (only the session handles it delivered, so ids captured meanwhile survive).
/// </summary>
internal sealed class LogoutCompletion(ProtectedSessionStore sessions)
{
    /// <exception cref="StorageUnavailableException">The store failed; the mappings expire by themselves.</exception>
    /// <remarks>The removals are written at once, so that a store with group commit makes them one commit.</remarks>
    public Task CompleteAsync(IEnumerable<MappingRemoval> removals, CancellationToken cancellationToken) =>
        Task.WhenAll(removals.Select(removal => sessions.RemoveAsync(removal.Key, removal.Handles, cancellationToken)));

    /// <summary>Forgets every application session the mappings held when they were read (ids captured since survive).</summary>
    /// <exception cref="StorageUnavailableException">The store failed; the mappings expire by themselves.</exception>
    public Task ForgetAsync(IEnumerable<SessionMapping> mappings, CancellationToken cancellationToken) =>
        CompleteAsync(mappings.Select(m => new MappingRemoval(m.Key, [.. m.AppSessions.Select(s => s.Handle)])), cancellationToken);
}
