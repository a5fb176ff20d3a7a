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
}
