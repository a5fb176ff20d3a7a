using System.Globalization;

namespace LogoutEnricher.SilentLogouts.Reconciliation;

/// <summary>
/// Where the event poll of one realm stands: the time of the newest event handled and the events handled within the
/// overlap window before it (read again on the next poll, and skipped by id). Stored as
/// <c>{time}|{id}@{time},{id}@{time},...</c>; Keycloak's event ids are UUIDs.
/// </summary>
internal sealed class EventCursor
{
    private readonly Dictionary<string, long> _handled;

    private EventCursor(long time, Dictionary<string, long> handled)
    {
        Time = time;
        _handled = handled;
    }

    /// <summary>Epoch ms of the newest event handled (or where polling started).</summary>
    public long Time { get; private set; }

    public static string NameFor(string issuer) => "events|" + issuer;

    /// <param name="start">Where a realm without a saved cursor starts (epoch ms).</param>
    public static EventCursor Parse(string? value, long start)
    {
        var handled = new Dictionary<string, long>(StringComparer.Ordinal);
        var bar = value?.IndexOf('|', StringComparison.Ordinal) ?? -1;
        if (bar < 0 || !long.TryParse(value.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var time))
        {
            return new EventCursor(start, handled);
        }

        foreach (var entry in value![(bar + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = entry.LastIndexOf('@');
            if (at > 0 && long.TryParse(entry.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var eventTime))
            {
                handled[entry[..at]] = eventTime;
            }
        }

        return new EventCursor(time, handled);
    }

    public bool WasHandled(string id) => _handled.ContainsKey(id);

    public void Handled(string id, long eventTime)
    {
        _handled[id] = eventTime;
        Time = Math.Max(Time, eventTime);
    }

    /// <summary>Forgets events older than the window (never read again), then writes the rest.</summary>
    public string Serialize(long overlapMs)
    {
        foreach (var old in _handled.Where(pair => pair.Value < Time - overlapMs).Select(pair => pair.Key).ToList())
        {
            _handled.Remove(old);
        }

        return Time.ToString(CultureInfo.InvariantCulture) + "|" + string.Join(',', _handled.Select(pair => FormattableString.Invariant($"{pair.Key}@{pair.Value}")));
    }
}
