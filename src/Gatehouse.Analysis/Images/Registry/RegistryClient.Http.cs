using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Gatehouse.Analysis.Probes;

namespace Gatehouse.Analysis.Images.Registry;

public sealed partial class RegistryClient
{
    /// <summary>
    /// The HTTP client a server should pull with: every connection (also those of redirects and token realms) goes to a
    /// public address (<see cref="PublicAddresses"/>), except for hosts in <paramref name="allowedRegistries"/> (a registry
    /// name <c>host[:port]</c>, an address, or a network such as <c>10.1.0.0/16</c>), so a vendor-supplied reference cannot
    /// make Gatehouse fetch from its own network (SSRF). Redirects are followed (registries send blobs to storage), at most 5;
    /// the Authorization header is dropped on redirect by .NET.
    /// </summary>
    public static HttpClient CreateHttpClient(IEnumerable<string> allowedRegistries, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(allowedRegistries);
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var networks = new List<IPNetwork>();
        foreach (var entry in allowedRegistries.Select(e => e.Trim()).Where(e => e.Length > 0))
        {
            if (PublicAddresses.TryParseNetwork(entry, out var network)) networks.Add(network);
            else hosts.Add(entry);
        }
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            MaxResponseHeadersLength = 64,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            SslOptions = new SslClientAuthenticationOptions { EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13 },
            ConnectCallback = async (context, ct) =>
            {
                var host = context.DnsEndPoint.Host.Trim('[', ']');
                var port = context.DnsEndPoint.Port;
                var allowedHost = hosts.Contains(host) || hosts.Contains($"{host}:{port}") || hosts.Contains($"[{host}]:{port}");
                var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
                var usable = addresses.Select(PublicAddresses.Normalize)
                    .Where(a => allowedHost || PublicAddresses.IsPublic(a) || networks.Any(n => n.BaseAddress.AddressFamily == a.AddressFamily && n.Contains(a)))
                    .ToList();
                if (usable.Count == 0) throw new AddressRefusedException(host);
                var socket = new Socket(usable[0].AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(usable[0], port), ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = timeout ?? TimeSpan.FromMinutes(30) };
    }

    /// <summary>Code of a pull refused because a registry (or its token realm, or a blob redirect) is on no public address.</summary>
    public const string AddressRefusedCode = "registry.address-refused";

    /// <summary>The guarded client's refusal to connect (so a pull can tell it from a registry that is down).</summary>
    private sealed class AddressRefusedException(string host)
        : HttpRequestException($"refused to connect to {host}: not a public address and not an allowed registry");

    /// <summary>
    /// The pull's error for a request that failed: <see cref="AddressRefusedCode"/> when the guarded client refused the
    /// address (the vendor named a registry Gatehouse may not reach), else <c>registry.unreachable</c>.
    /// </summary>
    private static ImageException Unreachable(Exception e, string what)
    {
        for (var x = e; x is not null; x = x.InnerException)
            if (x is AddressRefusedException refused) return new ImageException(AddressRefusedCode, $"{what}: {refused.Message}", e);
        return new ImageException("registry.unreachable", $"{what} could not be reached: {(e is OperationCanceledException ? "timed out" : e.Message)}", e);
    }
}
