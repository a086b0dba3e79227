using System.Net;
using System.Net.Sockets;
using Gatehouse.Analysis.Probes;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Notifications;

/// <summary>
/// A webhook URL or address that Gatehouse will not call (SSRF protection, docs/notifications.md#what-urls-are-allowed).
/// The message is for the vendor and says only that the address is not allowed; what the host resolved to
/// (an internal network's layout) is logged by <see cref="WebhookAddressGuard"/> and never returned.
/// </summary>
internal sealed class WebhookRefusedException(string message) : Exception(message);

/// <summary>
/// Decides which addresses a webhook may reach: public ones, and private, loopback or link-local ones
/// only when <c>Notifications:AllowedWebhookHosts</c> lists the host or the address. Vendor URLs are
/// attacker-controlled (DESIGN principle 5), so the name is resolved once, every address is checked,
/// and the connection goes to a checked address (no second lookup that could answer differently).
/// </summary>
public sealed class WebhookAddressGuard(IOptions<NotificationsOptions> options, ILogger<WebhookAddressGuard> log)
{
    /// <summary>
    /// The one answer for every refused host: private, loopback, unresolvable or without addresses alike, so
    /// that the answer is no oracle for internal DNS names and addresses.
    /// </summary>
    public static string RefusedMessage(string host) =>
        $"the address of {host} is not allowed: webhooks reach public addresses only, unless an operator lists the host in Notifications:AllowedWebhookHosts";

    /// <summary>True for addresses on the public internet (the same list the endpoint probe uses).</summary>
    public static bool IsPublic(IPAddress address) => PublicAddresses.IsPublic(address);

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
            catch (SocketException ex)
            {
                log.LogWarning("Webhook to {Host} refused: it does not resolve ({Error})", host, ex.SocketErrorCode);
                throw new WebhookRefusedException(RefusedMessage(host));
            }
        }
        var allow = options.Value.ParseAllowList() ?? ([], []);
        var hostListed = allow.Hosts.Contains(host);
        var allowed = addresses.Select(Normalize).Distinct()
            .Where(a => hostListed || IsPublic(a) || allow.Networks.Any(n => n.BaseAddress.AddressFamily == a.AddressFamily && n.Contains(a)))
            .ToArray();
        if (allowed.Length == 0)
        {
            log.LogWarning("Webhook to {Host} refused: it resolves to {Addresses}, none of them public or allowed by Notifications:AllowedWebhookHosts",
                host, addresses.Length == 0 ? "no address" : string.Join(", ", addresses.Select(Normalize).Distinct()));
            throw new WebhookRefusedException(RefusedMessage(host));
        }
        return allowed;
    }

    private static IPAddress Normalize(IPAddress a) => PublicAddresses.Normalize(a);
}
