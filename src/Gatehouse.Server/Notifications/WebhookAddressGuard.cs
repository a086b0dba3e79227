using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Notifications;

/// <summary>A webhook URL or address that Gatehouse will not call (SSRF protection, docs/notifications.md#what-urls-are-allowed).</summary>
public sealed class WebhookRefusedException(string message) : Exception(message);

/// <summary>
/// Decides which addresses a webhook may reach: public ones, and private, loopback or link-local ones
/// only when <c>Notifications:AllowedWebhookHosts</c> lists the host or the address. Vendor URLs are
/// attacker-controlled (DESIGN principle 5), so the name is resolved once, every address is checked,
/// and the connection goes to a checked address (no second lookup that could answer differently).
/// </summary>
public sealed class WebhookAddressGuard(IOptions<NotificationsOptions> options)
{
    // Not reachable on the public internet, or special: loopback, RFC 1918, link-local, CGNAT,
    // "this network", IETF protocol assignments, benchmarking, multicast, reserved, broadcast; IPv6
    // unspecified and IPv4-compatible, discard, unique-local, link-local, site-local, multicast, and the
    // forms that embed an IPv4 address (NAT64, 6to4, Teredo). IPv4-mapped addresses are checked as IPv4.
    private static readonly IPNetwork[] NotPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/96"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("100::/64"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fec0::/10"), IPNetwork.Parse("ff00::/8"), IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("2002::/16"),
        IPNetwork.Parse("2001::/32"),
    ];

    /// <summary>True for addresses on the public internet.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Normalize(address);
        return !NotPublic.Any(n => n.BaseAddress.AddressFamily == address.AddressFamily && n.Contains(address));
    }

    /// <summary>Checks a webhook URL's form: absolute, https (http only when allowed), no credentials or fragment.</summary>
    public string? CheckUrlForm(string? url, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2000) return "url is required (at most 2000 characters)";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var u)) return "url must be an absolute URL";
        var allowHttp = options.Value.AllowHttpWebhooks;
        if (u.Scheme != Uri.UriSchemeHttps && !(allowHttp && u.Scheme == Uri.UriSchemeHttp))
            return allowHttp ? "url must use https or http" : "url must use https";
        if (!string.IsNullOrEmpty(u.UserInfo)) return "url must not contain credentials";
        if (!string.IsNullOrEmpty(u.Fragment)) return "url must not contain a fragment";
        uri = u;
        return null;
    }

    /// <summary>
    /// Resolves <paramref name="host"/> once and returns the addresses a webhook may connect to;
    /// throws <see cref="WebhookRefusedException"/> when there are none.
    /// </summary>
    public async Task<IPAddress[]> ResolveAllowedAsync(string host, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        host = host.Trim('[', ']').TrimEnd('.');
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal)) addresses = [literal];
        else
        {
            try { addresses = await Dns.GetHostAddressesAsync(host, ct); }
            catch (SocketException ex) { throw new WebhookRefusedException($"{host} does not resolve ({ex.SocketErrorCode})"); }
        }
        var allow = options.Value.ParseAllowList() ?? ([], []);
        var hostListed = allow.Hosts.Contains(host);
        var allowed = addresses.Select(Normalize).Distinct()
            .Where(a => hostListed || IsPublic(a) || allow.Networks.Any(n => n.BaseAddress.AddressFamily == a.AddressFamily && n.Contains(a)))
            .ToArray();
        if (allowed.Length == 0)
            throw new WebhookRefusedException(addresses.Length == 0
                ? $"{host} has no addresses"
                : $"{host} resolves to {string.Join(", ", addresses.Select(Normalize).Distinct())}, which is not a public address; " +
                  "list it in Notifications:AllowedWebhookHosts to allow it");
        return allowed;
    }

    private static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
