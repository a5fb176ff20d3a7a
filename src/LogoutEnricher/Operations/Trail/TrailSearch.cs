using System.Globalization;
using System.Text;
using LogoutEnricher.Hosting.Storage;
using LogoutEnricher.Storage;

namespace LogoutEnricher.Operations.Trail;

/// <summary>
/// A trail search as the console's form and <c>GET {Admin:PathPrefix}/logouts</c> take it: free-text terms
/// (<paramref name="Q"/>, every term must match) plus explicit filters.
/// </summary>
/// <param name="Q">
/// Terms separated by spaces: a configured client id, an outcome, a source, or else a user: a subject or sid typed in
/// full (matched by its hash, the trail holds neither) or a sid hash copied from the table.
/// </param>
/// <param name="From">Accepted at or after (ISO 8601; without an offset it is UTC).</param>
/// <param name="To">Accepted before.</param>
/// <param name="After">The <c>next</c> token of the previous page.</param>
internal sealed record TrailSearch(
    string? Q = null, string? Client = null, string? Outcome = null, string? Source = null, string? Reason = null,
    string? From = null, string? To = null, string? After = null, int? Limit = null)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static string? Token(TrailLogout? last) => last is null
        ? null
        : Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{last.AcceptedAt.ToUnixTimeMilliseconds()}:{last.Id}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryCursor(string? token, out TrailCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrEmpty(token))
        {
            return true;
        }

        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && long.TryParse(text[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && colon < text.Length - 1)
            {
                cursor = new TrailCursor(DateTimeOffset.FromUnixTimeMilliseconds(ms), text[(colon + 1)..]);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }

    public static bool TryTime(string? value, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }
}
