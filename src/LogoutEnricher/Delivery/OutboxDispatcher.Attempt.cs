using System.Security.Cryptography;
using System.Text.Json;
using LogoutEnricher.Diagnostics;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Delivery;

internal sealed partial class OutboxDispatcher
{
    private async Task AttemptAsync(OutboxEntry entry, DateTimeOffset leasedUntil, CancellationToken stoppingToken)
    {
        OutboxPayload payload;
        try
        {
            payload = payloads.Unprotect(entry.Payload);
        }
        catch (Exception exception) when (exception is CryptographicException or JsonException)
        {
            await DeadLetterAsync(entry, entry.Attempts, "payload_unreadable");
            return;
        }

        if (registry.FindClient(entry.Issuer, entry.ClientId) is not { } client)
        {
            await DeadLetterAsync(entry, entry.Attempts, "client_not_configured");
            return;
        }

        if (payload.Action is not null && !formats.For(client).ForwardsAdminActions)
        {
            // A Keycloak Admin URL action queued while the client's format forwarded actions; its format now does not.
            await DeadLetterAsync(entry, entry.Attempts, "action_for_backchannel_client");
            return;
        }

        if (client.UrlFor(entry.Host) is null)
        {
            // A host that left the allow-list (or a fallback URL that was removed) after the logout was queued.
            await DeadLetterAsync(entry, entry.Attempts, "target_not_configured");
            return;
        }

        var attempts = entry.Attempts + 1;
        // Note: whether a transient failure is retried is decided by when the attempt starts, so the trail can record
        // the attempt's consequence with it: an attempt that starts once MaxAge has passed is the last.
        var expired = timeProvider.GetUtcNow() >= entry.ExpiresAt;
        var trail = payload.TrailId is { } trailId ? new DeliveryTrail(trailId, $"{entry.Id}/{attempts}", attempts, MayRetry: !expired) : null;
        var gate = GateOf(entry);
        await gate.WaitAsync(stoppingToken);
        DeliveryResult result;
        try
        {
            if (timeProvider.GetUtcNow() + Settings.Timeout >= leasedUntil)
            {
                // Note: the entry waited for its application's gate until its lease is about to run out; delivering now
                // could overlap with another replica that takes it over. Hand it back instead.
                await ReleaseAsync(entry);
                return;
            }

            result = await deliverer.DeliverAsync(client, payload.Claims, payload.Sid, new LogoutDelivery(entry.Host, payload.AppSessionIds, [], payload.Action), trail, stoppingToken);
        }
        finally
        {
            gate.Release();
        }

        var now = timeProvider.GetUtcNow();
        statistics.CountAttempt(leaseOverrun: now >= leasedUntil);

        // Note: from here on the bookkeeping is not cancelled by shutdown: the application already has its answer.
        if (result.Succeeded)
        {
            // Note: both writes at once, so that they share one commit (and one fsync) of the store's group commit.
            // When the completion fails the entry is delivered again once its lease runs out; when only the removal
            // fails the mappings expire by themselves.
            await Task.WhenAll(
                completion.CompleteAsync(
                    payload.Removals.Select(removal => new MappingRemoval(new SessionKey(entry.Issuer, entry.ClientId, removal.Sid), removal.Handles)), CancellationToken.None),
                outbox.CompleteAsync(entry.Id, CancellationToken.None));
            statistics.CountDelivered();
            LogDelivered(logger, entry.ClientId, entry.Id, attempts, result.Elapsed.TotalMilliseconds, now - entry.CreatedAt);
            return;
        }

        var error = result.Describe();
        if (!result.IsTransient)
        {
            await DeadLetterAsync(entry, attempts, error);
            return;
        }

        if (expired)
        {
            await DeadLetterAsync(entry, attempts, $"expired ({error})");
            return;
        }

        // Note: a wait that would pass MaxAge (an application's Retry-After of a day, or a long backoff) does not end
        // the entry early: its last attempt is made when MaxAge ends, and only a failure then makes it a dead letter.
        var next = now + DeliveryBackoff.Next(attempts, Settings, result.RetryAfter, Random.Shared);
        if (next > entry.ExpiresAt)
        {
            next = entry.ExpiresAt;
        }

        await outbox.RescheduleAsync(entry.Id, attempts, next, error, CancellationToken.None);
        statistics.CountRetried();
        LogRetryScheduled(logger, entry.ClientId, entry.Id, attempts, error, next - now);
    }

    private async Task DeadLetterAsync(OutboxEntry entry, int attempts, string reason)
    {
        await outbox.DeadLetterAsync(entry.Id, attempts, reason, CancellationToken.None);
        statistics.CountDeadLettered();
        LogDeadLettered(logger, entry.ClientId, entry.Id, attempts, reason);
    }

    /// <summary>Gives a leased entry back unchanged, due now, so that a stopping replica does not hold it until the lease ends.</summary>
    private Task<bool> ReleaseAsync(OutboxEntry entry) =>
        failures.TryAsync("outbox", "a lease was not released; it runs out by itself",
            () => outbox.RescheduleAsync(entry.Id, entry.Attempts, timeProvider.GetUtcNow(), entry.LastError ?? "released", CancellationToken.None));

    [LoggerMessage(EventId = EventIds.DeliveryAttemptFailedUnexpectedly, EventName = nameof(EventIds.DeliveryAttemptFailedUnexpectedly), Level = LogLevel.Error,
        Message = "Delivery to client {ClientId} (entry {EntryId}) failed unexpectedly ({ExceptionType}: {ErrorMessage}); the entry is tried again when its lease runs out")]
    private static partial void LogAttemptFailedUnexpectedly(ILogger logger, string clientId, string entryId, string exceptionType, string errorMessage);

    [LoggerMessage(EventId = EventIds.DispatcherStarted, EventName = nameof(EventIds.DispatcherStarted), Level = LogLevel.Information, Message = "Dispatcher {Owner} started")]
    private static partial void LogDispatcherStarted(ILogger logger, string owner);

    [LoggerMessage(EventId = EventIds.OutboxEntryDelivered, EventName = nameof(EventIds.OutboxEntryDelivered), Level = LogLevel.Information,
        Message = "Logout delivered to client {ClientId} (entry {EntryId}, attempt {Attempts}, {ElapsedMs:0.0} ms, {Age} after it was accepted)")]
    private static partial void LogDelivered(ILogger logger, string clientId, string entryId, int attempts, double elapsedMs, TimeSpan age);

    [LoggerMessage(EventId = EventIds.DeliveryRetryScheduled, EventName = nameof(EventIds.DeliveryRetryScheduled), Level = LogLevel.Warning,
        Message = "Logout delivery to client {ClientId} failed transiently (entry {EntryId}, attempt {Attempts}, {Error}); next attempt in {Delay}")]
    private static partial void LogRetryScheduled(ILogger logger, string clientId, string entryId, int attempts, string error, TimeSpan delay);

    [LoggerMessage(EventId = EventIds.DeliveryDeadLettered, EventName = nameof(EventIds.DeliveryDeadLettered), Level = LogLevel.Error,
        Message = "Logout delivery to client {ClientId} moved to the dead letters (entry {EntryId}, {Attempts} attempts): {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string clientId, string entryId, int attempts, string reason);

}
