using System.Buffers;
using System.Text;

namespace LogoutEnricher.BackChannelLogout;

/// <summary>Reads a request body up to a limit, whatever the framing (Content-Length or chunked).</summary>
internal static class BodyReader
{
    /// <returns>The body decoded as UTF-8, or null when it is longer than <paramref name="limit"/>.</returns>
    public static async Task<string?> ReadStringAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        // Note: a pooled buffer; a fresh limit-sized array per logout was the largest allocation of the path.
        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            var read = 0;
            int count;
            while (read <= limit && (count = await body.ReadAsync(buffer.AsMemory(read, limit + 1 - read), cancellationToken)) > 0)
            {
                read += count;
            }

            return read > limit ? null : Encoding.UTF8.GetString(buffer, 0, read);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
