using System.Globalization;

namespace LogoutEnricher.Storage.Redis;

/// <summary>
/// One app session as a hash field value: <c>!protected</c> without a host, <c>&lt;length&gt;:host protected</c> with one.
/// The length prefix keeps any host and protected id apart without an escaping scheme.
/// </summary>
internal static class AppSessionValue
{
    public static string Encode(AppSession session) => session.Host is null
        ? "!" + session.ProtectedId
        : string.Create(CultureInfo.InvariantCulture, $"{session.Host.Length}:{session.Host}{session.ProtectedId}");

    public static AppSession Decode(string handle, string value)
    {
        if (value.StartsWith('!'))
        {
            return new AppSession(handle, value[1..], null);
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var length = int.Parse(value.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture);
        return new AppSession(handle, value[(colon + 1 + length)..], value.Substring(colon + 1, length));
    }
}
