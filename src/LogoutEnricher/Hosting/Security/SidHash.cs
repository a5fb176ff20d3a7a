using System.Security.Cryptography;
using System.Text;

namespace LogoutEnricher.Hosting.Security;

/// <summary>
/// A short, stable hash of a session id for logs and audit events: lets an operator correlate the capture and the
/// logout of one session without the log holding the id itself.
/// </summary>
internal static class SidHash
{
    public static string Of(string? sid) => sid is null
        ? "-"
        : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sid)).AsSpan(0, 8));
}
