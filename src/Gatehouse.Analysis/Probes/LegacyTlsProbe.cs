using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Analysis.Probes;

/// <summary>What a server did with a ClientHello that offers at most TLS 1.1.</summary>
internal enum LegacyTlsOutcome
{
    /// <summary>It answered with an alert or closed the connection: old protocols are off.</summary>
    Refused,
    /// <summary>It answered with a ServerHello for TLS 1.0 or 1.1.</summary>
    Accepted,
    /// <summary>It answered something else, or nothing in time: we cannot tell.</summary>
    Inconclusive,
}

/// <summary>
/// Tests whether a server still accepts TLS 1.0/1.1 by sending a hand-made ClientHello (RFC 4346 §7.4.1.2)
/// and reading only the first record of the answer. We cannot use <c>SslStream</c> with
/// <c>SslProtocols.Tls11</c>: OpenSSL 3 (Debian 12) refuses to offer TLS 1.0/1.1 at its default security
/// level, so the handshake fails on our side before any byte is sent and would look like a pass.
/// A ClientHello whose highest version is TLS 1.1 (0x0302) covers both: a server that speaks only TLS 1.0
/// answers 0x0301.
/// </summary>
internal static class LegacyTlsProbe
{
    // ECDHE-ECDSA/RSA with AES-CBC, RSA with AES-CBC and 3DES, DHE-RSA with AES-CBC: what TLS 1.0/1.1 servers offer.
    private static readonly ushort[] CipherSuites = [0xc009, 0xc00a, 0xc013, 0xc014, 0x0033, 0x0039, 0x002f, 0x0035, 0x000a];

    public static async Task<(LegacyTlsOutcome Outcome, string Detail)> RunAsync(Stream network, string? serverName, CancellationToken ct)
    {
        var hello = BuildClientHello(0x0302, serverName);
        await network.WriteAsync(hello, ct);
        await network.FlushAsync(ct);

        var header = new byte[5];
        var got = await ReadUpToAsync(network, header, ct);
        if (got == 0) return (LegacyTlsOutcome.Refused, "the server closed the connection");
        if (got < 5) return (LegacyTlsOutcome.Inconclusive, "the server sent a truncated record");
        var type = header[0];
        var length = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(3));
        if (type == 0x15) return (LegacyTlsOutcome.Refused, "the server answered with a TLS alert");
        if (type != 0x16 || length < 6 || length > 16384) return (LegacyTlsOutcome.Inconclusive, $"unexpected TLS record type {type}");
        var body = new byte[Math.Min((int)length, 64)];
        if (await ReadUpToAsync(network, body, ct) < 6) return (LegacyTlsOutcome.Inconclusive, "the server sent a truncated handshake");
        if (body[0] != 0x02) return (LegacyTlsOutcome.Inconclusive, $"unexpected handshake message {body[0]}");
        var version = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(4));
        return version switch
        {
            0x0301 => (LegacyTlsOutcome.Accepted, "the server negotiated TLS 1.0"),
            0x0302 => (LegacyTlsOutcome.Accepted, "the server negotiated TLS 1.1"),
            0x0300 => (LegacyTlsOutcome.Accepted, "the server negotiated SSL 3.0"),
            _ => (LegacyTlsOutcome.Refused, $"the server answered version 0x{version:x4}, which the client did not offer"),
        };
    }

    private static async Task<int> ReadUpToAsync(Stream s, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            int n;
            try { n = await s.ReadAsync(buffer.AsMemory(total), ct); }
            catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
            {
                return total; // a reset after our hello is a refusal
            }
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    internal static byte[] BuildClientHello(ushort maxVersion, string? serverName)
    {
        var body = new List<byte>();
        Add16(body, maxVersion);
        body.AddRange(RandomNumberGenerator.GetBytes(32));
        body.Add(0); // no session id
        Add16(body, (ushort)(CipherSuites.Length * 2));
        foreach (var c in CipherSuites) Add16(body, c);
        body.Add(1); body.Add(0); // null compression only

        var ext = new List<byte>();
        if (serverName is not null)
        {
            var name = Encoding.ASCII.GetBytes(serverName);
            Add16(ext, 0x0000); Add16(ext, (ushort)(name.Length + 5)); Add16(ext, (ushort)(name.Length + 3));
            ext.Add(0); Add16(ext, (ushort)name.Length); ext.AddRange(name);
        }
        Add16(ext, 0x000a); Add16(ext, 8); Add16(ext, 6); Add16(ext, 0x0017); Add16(ext, 0x0018); Add16(ext, 0x001d); // supported groups
        Add16(ext, 0x000b); Add16(ext, 2); ext.Add(1); ext.Add(0); // uncompressed points
        Add16(ext, 0xff01); Add16(ext, 1); ext.Add(0); // renegotiation_info
        Add16(body, (ushort)ext.Count);
        body.AddRange(ext);

        var record = new List<byte> { 0x16, 0x03, 0x01 };
        Add16(record, (ushort)(body.Count + 4));
        record.Add(0x01); // client_hello
        record.Add((byte)(body.Count >> 16)); record.Add((byte)(body.Count >> 8)); record.Add((byte)body.Count);
        record.AddRange(body);
        return [.. record];
    }

    private static void Add16(List<byte> b, ushort v) { b.Add((byte)(v >> 8)); b.Add((byte)v); }
}
