using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Logout;

/// <summary>
/// Told by the <see cref="LogoutPipeline"/> of every logout a provider sent that it accepted (queued, delivered, or
/// nothing to deliver), after the fact: what follows from a logout (asking Keycloak whether the user's other sessions
/// ended too) hangs off the one pipeline instead of opening a second entrance. Called on the request path: an
/// implementation must be quick (hand the work to the background) and must not throw.
/// </summary>
internal interface IAcceptedLogoutObserver
{
    /// <param name="request">The accepted request.</param>
    /// <param name="ended">The captured sessions it resolved and ended (none when nothing was captured for its sid).</param>
    void LogoutAccepted(LogoutRequest request, IReadOnlyList<SessionMapping> ended);
}
