namespace LogoutEnricher.BackChannelLogout;

/// <summary>Reads a request body up to a limit, whatever the framing (Content-Length or chunked).</summary>
internal static class BodyReader
{
    /// <returns>The body, or null when it is longer than <paramref name="limit"/>.</returns>
    public static async Task<byte[]?> ReadAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[limit + 1];
        var read = 0;
        int count;
        while (read < buffer.Length && (count = await body.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += count;
        }

        return read > limit ? null : buffer.AsSpan(0, read).ToArray();
    }
}
