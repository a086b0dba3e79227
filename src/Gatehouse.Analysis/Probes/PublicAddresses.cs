using System.Net;

namespace Gatehouse.Analysis.Probes;

/// <summary>
/// Which addresses are on the public internet. Vendor URLs are attacker-controlled (DESIGN principle 5),
/// so the probe connects only to public addresses or to allow-listed ones.
/// </summary>
public static class PublicAddresses
{
    // Loopback, RFC 1918, link-local (169.254.169.254 metadata), CGNAT, "this network", IETF protocol
    // assignments, documentation, benchmarking, multicast, reserved, broadcast; IPv6 unspecified and
    // IPv4-compatible, discard, unique-local (fd00:ec2::254 metadata), link-local, site-local,
    // multicast, documentation, and the forms that embed an IPv4 address (NAT64 64:ff9b::/96 and
    // 64:ff9b:1::/48, 6to4, Teredo). IPv4-mapped addresses are checked as IPv4.
    private static readonly IPNetwork[] NotPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/96"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("100::/64"), IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fec0::/10"), IPNetwork.Parse("ff00::/8"), IPNetwork.Parse("64:ff9b::/96"),
        IPNetwork.Parse("64:ff9b:1::/48"), IPNetwork.Parse("2002::/16"), IPNetwork.Parse("2001::/32"), IPNetwork.Parse("2001:db8::/32"),
    ];

    /// <summary>True for addresses on the public internet.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Normalize(address);
        return !NotPublic.Any(n => n.BaseAddress.AddressFamily == address.AddressFamily && n.Contains(address));
    }

    /// <summary>IPv4-mapped IPv6 addresses (<c>::ffff:a.b.c.d</c>) as IPv4; others unchanged.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>Parses an allow-list entry: an address (<c>127.0.0.1</c>) or a network (<c>10.1.0.0/16</c>).</summary>
    public static bool TryParseNetwork(string entry, out IPNetwork network)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry = entry.Trim().Trim('[', ']');
        if (IPAddress.TryParse(entry, out var single))
        {
            single = Normalize(single);
            network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        return IPNetwork.TryParse(entry, out network);
    }
}
