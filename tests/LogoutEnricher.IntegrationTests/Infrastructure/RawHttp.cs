using System.Net.Sockets;
using System.Text;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

/// <summary>The answer to a hand-written request: status code, header block and body as text.</summary>
internal sealed record RawResponse(int Status, string Headers, string Body);

/// <summary>
/// HTTP/1.1 written by hand on a socket, for the framing no HttpClient would send: broken chunk sizes, truncated
/// bodies, huge trailers, bodies that stall.
/// </summary>
internal static class RawHttp
{
    /// <param name="head">Request line and headers, without the blank line that ends them.</param>
    /// <param name="body">Written after the head; may stall (the server's body timeout then answers).</param>
    /// <param name="closeSending">Half-closes the connection after the body: the server sees the body end there.</param>
    /// <returns>The response; null when the server closed or reset the connection without one (Kestrel does so when
    /// the client half-closes mid-body: the request is then aborted).</returns>
    public static async Task<RawResponse?> SendAsync(Uri address, string head, Func<Stream, Task> body, bool closeSending = false)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port, deadline.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "\r\n\r\n"), deadline.Token);
        try
        {
            await body(stream);
            if (closeSending)
            {
                client.Client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (IOException)
        {
            // The server may answer and close before the whole body is written; its answer is what counts.
        }

        return await ReadResponseAsync(stream, deadline.Token);
    }

    public static Func<Stream, Task> Text(string text) => stream => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    private static async Task<RawResponse?> ReadResponseAsync(Stream stream, CancellationToken cancellationToken)
    {
        var received = new MemoryStream();
        var buffer = new byte[8192];
        int headerEnd;
        while ((headerEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
        {
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, cancellationToken);
            }
            catch (IOException exception) when (received.Length == 0 && exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
            {
                // Note: a server that aborts a request whose client broke off mid-body may reset the connection
                // instead of closing it; either way no response was sent.
                read = 0;
            }

            if (read == 0)
            {
                Assert.Equal(0, received.Length);
                return null;
            }

            received.Write(buffer, 0, read);
        }

        var headers = Encoding.ASCII.GetString(received.ToArray(), 0, headerEnd);
        var status = int.Parse(headers.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var length = headers.Split("\r\n").Select(h => h.Split(':', 2)).Where(h => h.Length == 2 && h[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(h => int.Parse(h[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault(-1);
        var chunked = headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase);
        while (true)
        {
            var bodyBytes = (int)received.Length - headerEnd - 4;
            if ((length >= 0 && bodyBytes >= length) || (chunked && IndexOf(received, "\r\n0\r\n\r\n"u8) >= 0) || (length < 0 && !chunked && bodyBytes == 0 && status is 204 or 304))
            {
                break;
            }

            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
        }

        var body = Encoding.UTF8.GetString(received.ToArray(), headerEnd + 4, (int)received.Length - headerEnd - 4);
        return new RawResponse(status, headers, body);
    }

    private static int IndexOf(MemoryStream stream, ReadOnlySpan<byte> value) => stream.GetBuffer().AsSpan(0, (int)stream.Length).IndexOf(value);
}
