namespace LogoutEnricher.Hosting.Hardening;

/// <summary>Reads a request body up to a limit, whatever the framing (Content-Length or chunked).</summary>
internal static class BodyReader
{
    /// <summary>The most allocated before any of a body has arrived, whatever length the client declared.</summary>
    internal const int FirstStep = 64 * 1024;

    /// <summary>The first array for a body of unknown length (chunked): most bodies read here are a few hundred bytes.</summary>
    private const int UnknownLengthStart = 4 * 1024;

    /// <summary>
    /// Reads a body of up to <paramref name="limit"/> bytes into an array allocated as the bytes arrive, so that no route
    /// reserves its limit per request: one byte more than the declared length once <see cref="FirstStep"/>
    /// has arrived (so a declared length is never trusted with more than that before the bytes exist), doubling when the
    /// length is unknown, and never more than <paramref name="limit"/> + 1.
    /// </summary>
    /// <returns>The body, or null when it is longer than <paramref name="limit"/>.</returns>
    public static async Task<ArraySegment<byte>?> ReadAsync(Stream body, long? declaredLength, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        // Note: the extra byte lets the read that finds the end (or the byte past the limit) land without a larger array.
        var wanted = Math.Min(declaredLength >= 0 ? declaredLength.Value : UnknownLengthStart - 1, limit) + 1;
        var buffer = new byte[(int)Math.Min(wanted, FirstStep)];
        var read = 0;
        while (true)
        {
            if (read == buffer.Length)
            {
                if (read > limit)
                {
                    return null;
                }

                var next = wanted > read ? wanted : read * 2L >= limit ? limit + 1L : read * 2L;
                Array.Resize(ref buffer, (int)next);
            }

            var count = await body.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (count == 0)
            {
                return new ArraySegment<byte>(buffer, 0, read);
            }

            read += count;
        }
    }
}
