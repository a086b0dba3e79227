using System.Net;
using System.Net.Sockets;
using Gatehouse.Analysis.Probes;

namespace Gatehouse.Analysis.Tests.Probes;

public sealed class LegacyTlsProbeTests
{
    /// <summary>A TCP server on 127.0.0.1 that reads a ClientHello and answers <paramref name="answer"/>.</summary>
    private static async Task<(LegacyTlsOutcome, string)> AgainstAsync(byte[] answer)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serve = Task.Run(async () =>
        {
            using var peer = await listener.AcceptTcpClientAsync();
            var stream = peer.GetStream();
            var buffer = new byte[4096];
            _ = await stream.ReadAsync(buffer);
            await stream.WriteAsync(answer);
            await stream.FlushAsync();
        });
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            var result = await LegacyTlsProbe.RunAsync(client.GetStream(), "app.example", CancellationToken.None);
            await serve;
            return result;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static byte[] ServerHello(byte major, byte minor) =>
        [0x16, 0x03, minor, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, major, minor, .. new byte[36]];

    [Fact]
    public async Task A_server_hello_for_tls_1_1_means_accepted() =>
        Assert.Equal(LegacyTlsOutcome.Accepted, (await AgainstAsync(ServerHello(3, 2))).Item1);

    [Fact]
    public async Task A_server_hello_for_tls_1_0_means_accepted() =>
        Assert.Equal(LegacyTlsOutcome.Accepted, (await AgainstAsync(ServerHello(3, 1))).Item1);

    [Fact]
    public async Task An_alert_means_refused() =>
        Assert.Equal(LegacyTlsOutcome.Refused, (await AgainstAsync([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])).Item1);

    [Fact]
    public async Task Something_that_is_not_tls_is_inconclusive() =>
        Assert.Equal(LegacyTlsOutcome.Inconclusive, (await AgainstAsync("HTTP/1.1 400 Bad Request\r\n\r\n"u8.ToArray())).Item1);

    [Fact]
    public void The_client_hello_offers_at_most_tls_1_1_and_names_the_server()
    {
        var hello = LegacyTlsProbe.BuildClientHello(0x0302, "app.example");

        Assert.Equal(0x16, hello[0]);
        Assert.Equal(hello.Length - 5, (hello[3] << 8) | hello[4]);
        Assert.Equal(0x01, hello[5]);
        Assert.Equal([0x03, 0x02], hello[9..11]);
        Assert.Contains("app.example", System.Text.Encoding.ASCII.GetString(hello), StringComparison.Ordinal);
    }
}
