using LogoutEnricher.SilentLogouts.KeycloakApi;

namespace LogoutEnricher.SilentLogouts.Reconciliation;

/// <summary>
/// Every session Keycloak lists for one client (<c>/clients/{uuid}/user-sessions</c>, paged), with the user holding it,
/// or nothing when the listing cannot be trusted: any failed page, or fewer sessions than Keycloak counted both before
/// and after the walk (a short page). Memory is one entry per listed session of that client.
/// </summary>
internal static class KeycloakSessionListing
{
    /// <returns>sid → user id (null when Keycloak gave none), or null: no decision for this client this cycle. Settled:
    /// Keycloak counted as many sessions before and after the walk as it listed. Otherwise sessions came or went during
    /// the walk, and a live session may have fallen between two pages (<c>first</c>/<c>max</c> over a list that moved):
    /// a session missing from an unsettled listing is not evidence on its own.</returns>
    /// <exception cref="KeycloakAdminException">A request failed: no decision.</exception>
    public static async Task<(Dictionary<string, string?> Sessions, bool Settled)?> ReadAsync(
        KeycloakRealmAdmin realm, string clientUuid, int pageSize, Func<CancellationToken, Task> renewLease, CancellationToken cancellationToken)
    {
        var before = await realm.GetSessionCountAsync(clientUuid, cancellationToken);
        var sessions = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var first = 0; ; first += pageSize)
        {
            var page = await realm.GetUserSessionsAsync(clientUuid, first, pageSize, cancellationToken);
            foreach (var session in page)
            {
                sessions[session.Id] = session.UserId;
            }

            if (page.Length < pageSize)
            {
                break;
            }

            if (first / pageSize % 50 == 49)
            {
                await renewLease(cancellationToken);
            }
        }

        var after = await realm.GetSessionCountAsync(clientUuid, cancellationToken);
        // Note: sessions that end during the walk lower the second count; sessions a short page left out do not.
        return sessions.Count < Math.Min(before, after) ? null : (sessions, before == after && sessions.Count == before);
    }
}
