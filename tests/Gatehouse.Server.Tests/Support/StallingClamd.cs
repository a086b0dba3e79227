using System.Net;
using System.Net.Sockets;

namespace Gatehouse.Server.Tests.Support;

/// <summary>
/// A "clamd" on 127.0.0.1 that accepts connections, reads what it is sent and never answers, so a scan stays
/// running for as long as a test needs to look at it. <see cref="Release"/> closes every connection, held or new:
/// the scan then ends without ClamAV (verdict incomplete).
/// </summary>
public sealed class StallingClamd : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _release = new();
    private readonly Task _accepting;

    public StallingClamd()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary><c>tcp://127.0.0.1:PORT</c>.</summary>
    public string Endpoint => $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public void Release() => _release.Cancel();

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(); }
            catch (Exception e) when (e is ObjectDisposedException or SocketException) { return; }
            _ = HoldAsync(client);
        }
    }

    private async Task HoldAsync(TcpClient client)
    {
        using (client)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                var stream = client.GetStream();
                while (await stream.ReadAsync(buffer, _release.Token) > 0) { }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _release.Cancel();
        _listener.Stop();
        await _accepting;
        _release.Dispose();
    }
}
