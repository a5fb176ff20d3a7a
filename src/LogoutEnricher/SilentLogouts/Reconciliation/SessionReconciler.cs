using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Protocol.Providers;
using LogoutEnricher.SilentLogouts.KeycloakApi;
using LogoutEnricher.Storage;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.SilentLogouts.Reconciliation;

/// <summary>
/// One reconciliation cycle of one realm: for each configured client, the captured sessions Keycloak no longer lists,
/// and those of disabled users. Never on doubt: a session is ended only when Keycloak confirmed it directly (its user
/// is disabled, or gone while the session is gone too) or it was missing from two listings at least
/// <see cref="ReconciliationOptions.ConfirmationInterval"/> apart. A failed or short listing decides nothing.
/// </summary>
internal sealed partial class SessionReconciler(
    IssuerRegistry registry,
    ProtectedSessionStore sessions,
    IReconciliationStore store,
    SessionEnder ender,
    ReconciliationMetrics metrics,
    IOptions<ReconciliationOptions> options,
    TimeProvider timeProvider,
    ILogger<SessionReconciler> logger)
{
    public async Task<int> ReconcileAsync(KeycloakRealmAdmin realm, Func<CancellationToken, Task> renewLease, CancellationToken cancellationToken)
    {
        if (registry.FindIssuer(realm.Settings.Issuer) is not { } issuer)
        {
            return 0;
        }

        var ended = 0;
        HashSet<string>? disabledUsers = null;
        foreach (var client in issuer.Clients.Values)
        {
            try
            {
                disabledUsers ??= options.Value.DisabledUsers ? await ReadDisabledUsersAsync(realm, cancellationToken) : [];
                ended += await ReconcileClientAsync(realm, client, disabledUsers, renewLease, cancellationToken);
            }
            catch (KeycloakAdminException exception)
            {
                metrics.Ran("sessions", "no_decision");
                LogNoDecision(logger, client.ClientId, realm.Settings.Realm, exception.Message);
            }
        }

        return ended;
    }

    private async Task<int> ReconcileClientAsync(
        KeycloakRealmAdmin realm, ConfiguredClient client, HashSet<string> disabledUsers, Func<CancellationToken, Task> renewLease, CancellationToken cancellationToken)
    {
        if (await realm.FindClientAsync(client.ClientId, cancellationToken) is not { } keycloakClient)
        {
            // The doctor reports a configured client Keycloak does not know; nothing can be compared.
            return 0;
        }

        var listing = await KeycloakSessionListing.ReadAsync(realm, keycloakClient.Id, options.Value.PageSize, renewLease, cancellationToken);
        if (listing is not var (listed, settled))
        {
            metrics.Ran("sessions", "no_decision");
            LogShortListing(logger, client.ClientId, realm.Settings.Realm);
            return 0;
        }

        var walk = await WalkAsync(client, listed, disabledUsers, cancellationToken);
        var reappeared = new List<string>(walk.Reappeared);
        var decisions = new List<(string Sid, string Reason)>();
        var observe = new List<string>();
        foreach (var (sid, subject, stored, firstMissing) in walk.Missing)
        {
            // Note: a subject is taken for a user id only when every listed session of this client showed them equal
            // (no pairwise subjects here); otherwise only the two observations decide.
            var userId = walk.SubjectsAreUserIds ? subject : null;
            var user = userId is null ? null : await UserStateAsync(realm, userId, cancellationToken);
            if (user is { } confirmed)
            {
                decisions.Add((sid, confirmed));
                continue;
            }

            // Note: a paged listing can miss a live session (see KeycloakSessionListing); Keycloak's unpaged list of
            // the user's sessions settles it. Without a user id, only a settled listing counts as evidence.
            if (userId is null ? !settled : await StillLiveAsync(realm, userId, sid, cancellationToken))
            {
                if (firstMissing is not null)
                {
                    reappeared.Add(stored);
                }

                continue;
            }

            if (firstMissing is { } at && timeProvider.GetUtcNow() - at >= options.Value.ConfirmationInterval)
            {
                decisions.Add((sid, LogoutReason.Terminated));
            }
            else if (firstMissing is null)
            {
                // Note: observations are kept by the stored hash, never the sid.
                observe.Add(stored);
            }
        }

        foreach (var (sid, userId) in walk.OfDisabledUsers)
        {
            if (await realm.FindUserAsync(userId, cancellationToken) is { Enabled: false })
            {
                decisions.Add((sid, LogoutReason.UserDisabled));
            }
        }

        await store.RemoveObservationsAsync(client.Issuer, client.ClientId, reappeared, cancellationToken);
        await store.AddObservationsAsync(client.Issuer, client.ClientId, observe, timeProvider.GetUtcNow(), cancellationToken);
        var ended = 0;
        foreach (var (sid, reason) in decisions)
        {
            await renewLease(cancellationToken);
            ended += await ender.EndAsync(client, sid, reason, cancellationToken) ? 1 : 0;
        }

        metrics.Ran("sessions", "decided");
        LogClientReconciled(logger, client.ClientId, realm.Settings.Realm, walk.Captured, listed.Count, observe.Count, ended);
        return ended;
    }

    /// <summary>user_deleted on a 404, user_disabled when disabled, null when the user exists and is enabled.</summary>
    private static async Task<string?> UserStateAsync(KeycloakRealmAdmin realm, string userId, CancellationToken cancellationToken) =>
        await realm.FindUserAsync(userId, cancellationToken) switch
        {
            null => LogoutReason.UserDeleted,
            { Enabled: false } => LogoutReason.UserDisabled,
            _ => null,
        };

    /// <summary>Whether Keycloak still lists <paramref name="sid"/> among the sessions of <paramref name="userId"/>.</summary>
    private static async Task<bool> StillLiveAsync(KeycloakRealmAdmin realm, string userId, string sid, CancellationToken cancellationToken) =>
        await realm.GetSessionsOfUserAsync(userId, cancellationToken) is { } sessions && sessions.Any(s => s.Id == sid);

    private async Task<HashSet<string>> ReadDisabledUsersAsync(KeycloakRealmAdmin realm, CancellationToken cancellationToken)
    {
        var users = new HashSet<string>(StringComparer.Ordinal);
        var size = options.Value.PageSize;
        for (var first = 0; ; first += size)
        {
            var page = await realm.GetDisabledUsersAsync(first, size, cancellationToken);
            users.UnionWith(page.Where(u => !u.Enabled).Select(u => u.Id));
            if (page.Length < size)
            {
                return users;
            }
        }
    }
}
