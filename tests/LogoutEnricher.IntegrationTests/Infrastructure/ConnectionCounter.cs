using System.Net;
using System.Net.Sockets;

namespace LogoutEnricher.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP listener that only counts the connections it accepts: the proof that a host was never contacted is that the
/// count stays 0 (a connection attempt would be accepted by the kernel's backlog and counted).
/// </summary>
internal sealed class ConnectionCounter : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _accepted;

    public ConnectionCounter()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Host => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Accepted => Volatile.Read(ref _accepted);

    public void Dispose() => _listener.Dispose();

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _accepted);
            }
        }
        catch (Exception exception) when (exception is ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }
}
