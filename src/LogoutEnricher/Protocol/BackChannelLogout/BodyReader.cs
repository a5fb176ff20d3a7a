using System.Buffers;

namespace LogoutEnricher.Protocol.BackChannelLogout;

/// <summary>Reads a request body up to a limit, whatever the framing (Content-Length or chunked).</summary>
internal static class BodyReader
{
    /// <returns>The body, or null when it is longer than <paramref name="limit"/>.</returns>
    public static async Task<byte[]?> ReadAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        // Note: read into a pooled buffer and copied out at its real size; a fresh limit-sized array per logout was
        // the largest allocation of the logout path.
        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            var read = 0;
            int count;
            while (read <= limit && (count = await body.ReadAsync(buffer.AsMemory(read, limit + 1 - read), cancellationToken)) > 0)
            {
                read += count;
            }

            return read > limit ? null : buffer.AsSpan(0, read).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads a body of up to <paramref name="limit"/> bytes into an array sized to it: from the length the client declared
    /// (up to a first step), else growing by doubling. A large limit costs nothing until a body uses it.
    /// </summary>
    /// <returns>The body, or null when it is longer than <paramref name="limit"/>.</returns>
    public static async Task<ArraySegment<byte>?> ReadGrowingAsync(Stream body, long? declaredLength, int limit, CancellationToken cancellationToken)
    {
        // Note: one byte past the declared length, so that the read which finds the end needs no larger array; the first
        // step bounds what a client can make us allocate by declaring a length it never sends.
        const int firstStep = 64 * 1024;
        var buffer = new byte[(int)Math.Min(Math.Min((declaredLength ?? 4095) + 1, firstStep), limit + 1L)];
        var read = 0;
        while (true)
        {
            if (read == buffer.Length)
            {
                if (read > limit)
                {
                    return null;
                }

                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, limit + 1L));
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
