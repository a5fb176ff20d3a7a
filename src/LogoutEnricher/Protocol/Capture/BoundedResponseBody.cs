using System.Net;

namespace LogoutEnricher.Protocol.Capture;

/// <summary>
/// Reads a token response body up to a limit without losing any of it: a body over the limit goes on to the
/// application whole (what was read, then the rest of the stream), it is only not read for capture.
/// </summary>
internal static class BoundedResponseBody
{
    /// <returns>The body, or null when it is longer than <paramref name="limit"/> (the content then streams on unread).</returns>
    /// <exception cref="HttpRequestException">The provider's answer broke off.</exception>
    /// <exception cref="IOException">The provider's answer broke off.</exception>
    public static async Task<byte[]?> ReadAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        var content = response.Content;
        if (content.Headers.ContentLength is not null)
        {
            if (content.Headers.ContentLength > limit)
            {
                return null;
            }

            // Note: buffering lets the forwarder copy the very same bytes to the application afterwards.
            await content.LoadIntoBufferAsync(limit, cancellationToken);
            return await content.ReadAsByteArrayAsync(cancellationToken);
        }

        // Chunked: the length is known only at the end, so read one byte past the limit and keep what was read.
        var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[Math.Min(limit + 1, 16 * 1024)];
        var read = 0;
        int count;
        while (read <= limit && (count = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += count;
            if (read == buffer.Length && read <= limit)
            {
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, limit + 1));
            }
        }

        response.Content = read > limit ? new PrefixedStreamContent(buffer.AsMemory(0, read), stream) : new ByteArrayContent(buffer, 0, read);
        CopyHeaders(content, response.Content);
        return read > limit ? null : buffer[..read];
    }

    private static void CopyHeaders(HttpContent from, HttpContent to)
    {
        foreach (var (name, values) in from.Headers.NonValidated)
        {
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                to.Headers.TryAddWithoutValidation(name, values);
            }
        }
    }

    /// <summary>The bytes already read, then the rest of the provider's stream.</summary>
    private sealed class PrefixedStreamContent(ReadOnlyMemory<byte> prefix, Stream rest) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(prefix, cancellationToken);
            await rest.CopyToAsync(stream, cancellationToken);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rest.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
