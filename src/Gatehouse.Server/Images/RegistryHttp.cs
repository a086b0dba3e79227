using System.Net;
using Gatehouse.Analysis.Images.Registry;
using Gatehouse.Analysis.Probes;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Images;

/// <summary>
/// The one HTTP client registry pulls use (issue 17): the engine's SSRF-guarded client
/// (<see cref="RegistryClient.CreateHttpClient"/>: every connection, token realms and blob redirects included, goes to a
/// public address only, unless the registry is listed in <see cref="ImagesOptions.InsecureRegistries"/>, e.g. a test
/// registry on 127.0.0.1). Before a pull, <see cref="CheckAsync"/> tells a registry the vendor named on a non-public
/// address apart, so that refusal is the vendor's to fix (<see cref="AddressRefused"/>), not a retry.
/// </summary>
internal sealed class RegistryHttp : IDisposable
{
    /// <summary>The code of a pull refused because the registry resolves to a non-public address.</summary>
    public const string AddressRefused = "registry.address-refused";

    private readonly HashSet<string> _allowed;

    public RegistryHttp(IOptions<ImagesOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _allowed = new HashSet<string>(options.Value.InsecureRegistries, StringComparer.OrdinalIgnoreCase);
        // No client timeout: a pull has its own budget (Images:PullTimeoutSeconds).
        Client = RegistryClient.CreateHttpClient(_allowed, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The guarded client.</summary>
    public HttpClient Client { get; }

    /// <summary>The registries reached over plain http (the allow-list).</summary>
    public IReadOnlySet<string> InsecureRegistries => _allowed;

    /// <summary>Whether a connection to <paramref name="host"/>:<paramref name="port"/> may reach <paramref name="address"/> (the client's rule).</summary>
    public bool Allows(string host, int port, IPAddress address) =>
        PublicAddresses.IsPublic(PublicAddresses.Normalize(address)) || _allowed.Contains(host) || _allowed.Contains($"{host}:{port}");

    /// <summary>
    /// Why the registry <paramref name="registry"/> (<c>host[:port]</c>) may not be pulled from, or null: every address it
    /// resolves to must be allowed. A name that does not resolve is left to the pull (unreachable: ours, retried).
    /// </summary>
    public async Task<string?> CheckAsync(string registry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (_allowed.Contains(registry)) return null;
        var uri = new Uri("https://" + registry);
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.IdnHost, ct);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null;
        }
        return addresses.Length > 0 && addresses.Any(a => !Allows(uri.IdnHost, uri.Port, a))
            ? $"the registry {registry} is not on a public address: Gatehouse pulls from public registries only, unless an operator lists it in Images:InsecureRegistries"
            : null;
    }

    public void Dispose() => Client.Dispose();
}
