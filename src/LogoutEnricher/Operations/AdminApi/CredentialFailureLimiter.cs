using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LogoutEnricher.Diagnostics;
using Microsoft.Extensions.Options;

namespace LogoutEnricher.Operations.AdminApi;

/// <summary>
/// Slows down guessing of admin credentials: a client (remote address; an IPv6 client by its /64) that sent
/// <c>Admin:FailedCredentials:Limit</c> wrong API keys or invalid bearer tokens, to the admin API or the console
/// sign-in, within one <c>Admin:FailedCredentials:Window</c> is refused (429, Retry-After) without any credential
/// being checked until that window ends, a correct one included: otherwise a guesser would still learn which guess
/// was right. Other clients are not affected. Failures are logged once per client per window, with the counts of the
/// window before (event <see cref="EventIds.CredentialsRefused"/>), never once per attempt.
/// </summary>
internal sealed partial class CredentialFailureLimiter(IOptions<AdminOptions> options, TimeProvider timeProvider, ILogger<CredentialFailureLimiter> logger)
{
    // Note: past this many tracked clients, those whose window ended are dropped before a new one is added.
    private const int SweepAbove = 10_000;

    private readonly ConcurrentDictionary<string, Client> _clients = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="context"/>'s client may present a credential now; if not, how long until it may.</summary>
    public bool TryAdmit(HttpContext context, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        var limits = options.Value.FailedCredentials;
        if (limits.Limit <= 0 || !_clients.TryGetValue(ClientOf(context), out var client))
        {
            return true;
        }

        var now = timeProvider.GetUtcNow();
        lock (client)
        {
            if (now >= client.WindowEnd || client.Failures < limits.Limit)
            {
                return true;
            }

            client.Throttled++;
            retryAfter = client.WindowEnd - now;
            return false;
        }
    }

    /// <summary>Counts a wrong credential of <paramref name="context"/>'s client; <paramref name="surface"/> (admin API, console) is logged.</summary>
    public void RecordFailure(HttpContext context, string surface)
    {
        var limits = options.Value.FailedCredentials;
        var address = ClientOf(context);
        var now = timeProvider.GetUtcNow();
        if (_clients.Count > SweepAbove && !_clients.ContainsKey(address))
        {
            foreach (var (key, ended) in _clients.Where(entry => entry.Value.WindowEnd <= now).ToList())
            {
                _clients.TryRemove(new KeyValuePair<string, Client>(key, ended));
            }
        }

        var client = _clients.GetOrAdd(address, _ => new Client());
        int previousFailures, previousThrottled;
        lock (client)
        {
            if (now < client.WindowEnd)
            {
                client.Failures++;
                return;
            }

            (previousFailures, previousThrottled) = (client.Failures, client.Throttled);
            client.WindowEnd = now + limits.Window;
            client.Failures = 1;
            client.Throttled = 0;
        }

        LogCredentialsRefused(logger, address, surface, limits.Limit, limits.Window, previousFailures, previousThrottled);
    }

    /// <summary>The Retry-After value: whole seconds, at least one.</summary>
    public static string RetryAfterSeconds(TimeSpan retryAfter) =>
        Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static string ClientOf(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "-";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        // Note: one IPv6 client commonly holds a whole /64; counting each address apart would not slow it down.
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private sealed class Client
    {
        public DateTimeOffset WindowEnd { get; set; } = DateTimeOffset.MinValue;

        public int Failures { get; set; }

        public int Throttled { get; set; }
    }

    [LoggerMessage(EventId = EventIds.CredentialsRefused, EventName = nameof(EventIds.CredentialsRefused), Level = LogLevel.Warning,
        Message = "Admin credentials refused from {RemoteAddress} ({Surface}); logged once per {Window} per client, refused unchecked after {Limit} failures; the window before: {PreviousFailures} failures, {PreviousThrottled} refused unchecked")]
    private static partial void LogCredentialsRefused(ILogger logger, string remoteAddress, string surface, int limit, TimeSpan window, int previousFailures, int previousThrottled);
}
