using System.Net;
using System.Net.Sockets;
using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Probes;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Images;

/// <summary>
/// The one HTTP client registry pulls use (issue 17): every connection, redirects to blob hosts included, goes only to
/// public addresses, unless the registry is listed in <see cref="ImagesOptions.InsecureRegistries"/> (a test registry on
/// 127.0.0.1). A vendor's reference cannot make the server call inside its own network (SSRF). A refused address is an
/// <see cref="ImageException"/> with code <see cref="AddressRefused"/>, the vendor's fault.
/// </summary>
internal sealed class RegistryHttp : IDisposable
{
    /// <summary>The code of a pull refused because the registry (or a blob redirect) resolves to a non-public address.</summary>
    public const string AddressRefused = "registry.address-refused";

    private readonly HashSet<string> _allowed;

    public RegistryHttp(IOptions<ImagesOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _allowed = new HashSet<string>(options.Value.InsecureRegistries, StringComparer.OrdinalIgnoreCase);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = ConnectAsync,
        };
        Client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The guarded client (its own timeout is off: the pull has its budget, <see cref="ImagesOptions.PullTimeoutSeconds"/>).</summary>
    public HttpClient Client { get; }

    /// <summary>The registries reached over plain http (the allow-list).</summary>
    public IReadOnlySet<string> InsecureRegistries => _allowed;

    /// <summary>Whether a connection to <paramref name="host"/>:<paramref name="port"/> may reach <paramref name="address"/>.</summary>
    public bool Allows(string host, int port, IPAddress address) =>
        PublicAddresses.IsPublic(address) || _allowed.Contains(host) || _allowed.Contains($"{host}:{port}");

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        // Every address must be allowed: a name that resolves to one public and one private address could be pinned to either.
        if (addresses.Length == 0 || addresses.Any(a => !Allows(host, port, a)))
            throw new ImageException(AddressRefused,
                $"the registry {host} is not on a public address: Gatehouse pulls from public registries only, unless an operator lists it in Images:InsecureRegistries");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => Client.Dispose();
}
