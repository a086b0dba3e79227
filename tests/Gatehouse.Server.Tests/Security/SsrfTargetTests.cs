using System.Net;
using System.Net.Sockets;
using System.Text;
using Gatehouse.Analysis.Images.Registry;
using Gatehouse.Analysis.Probes;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Notifications;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Tests.Security;

/// <summary>
/// Every place Gatehouse fetches a URL a vendor gave it, asked about one list of targets that must never be reached:
/// private ranges, loopback, link-local and the metadata address, IPv6 loopback, unique-local and IPv4-mapped forms,
/// the numeric spellings of an IPv4 address (decimal, octal, hex, short), names that resolve to loopback, and a
/// redirect from an allowed server to a private target. The guards are the endpoint probe's
/// (<see cref="EndpointProbe.ResolveAllowedAsync"/>, also its connections), the webhook guard (webhooks to vendors and
/// apps' lifecycle webhooks) and the registry client of image pulls. OAuth redirect URIs are never fetched by the
/// server (the browser follows them), so they have no guard to test. A new form goes into <see cref="Targets"/> and is
/// asked of every guard.
/// </summary>
public sealed class SsrfTargetTests
{
    /// <summary>Hosts as a vendor would write them in a URL. Loopback spellings point at this machine, where a listener notices any connection.</summary>
    public static readonly string[] Targets =
    [
        // loopback, and its numeric spellings (inet_aton accepts all of these)
        "127.0.0.1", "127.1", "127.0.1", "2130706433", "0177.0.0.1", "0177.0.0.01", "0x7f000001", "0x7f.0.0.1", "0x7F.0x0.0x0.0x1", "017700000001",
        "127.255.255.254", "127.0.0.1.",
        // "this network", private ranges, CGNAT
        "0.0.0.0", "0", "10.0.0.1", "012.0.0.1", "167772161", "172.16.0.1", "172.31.255.255", "192.168.0.1", "0xc0a80001", "100.64.0.1",
        // link-local and the cloud metadata address in its spellings
        "169.254.169.254", "2852039166", "0xa9fea9fe", "0251.0376.0251.0376", "169.254.43518",
        // IPv6: loopback, unspecified, unique-local (a metadata address among them), link-local, site-local, multicast
        "[::1]", "[0:0:0:0:0:0:0:1]", "[::]", "[fd00:ec2::254]", "[fc00::1]", "[fe80::1]", "[fec0::1]", "[ff02::1]",
        // IPv6 forms that carry an IPv4 address: mapped, compatible, NAT64, 6to4, Teredo
        "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::ffff:169.254.169.254]", "[::ffff:a9fe:a9fe]", "[::ffff:10.0.0.1]", "[::127.0.0.1]",
        "[64:ff9b::7f00:1]", "[64:ff9b::a9fe:a9fe]", "[2002:7f00:1::1]", "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",
        // names that resolve to loopback
        "localhost", "LOCALHOST", "localhost.", "LocalHost",
    ];

    /// <summary>The targets with a URL around them, as the vendor submits them.</summary>
    public static TheoryData<string> TargetData() => [.. Targets];

    private static Uri UrlOf(string host, int port, string scheme = "https") => new($"{scheme}://{host}:{port}/x");

    [Fact]
    public void Every_numeric_form_in_the_list_means_the_address_it_claims()
    {
        // A guard for "127.1" that thought it was a name would resolve it; prove the list is what it says it is.
        Assert.Equal(IPAddress.Loopback, IPAddress.Parse("2130706433"));
        Assert.Equal(IPAddress.Loopback, IPAddress.Parse("0177.0.0.1"));
        Assert.Equal(IPAddress.Loopback, IPAddress.Parse("0x7f000001"));
        Assert.Equal(IPAddress.Loopback, IPAddress.Parse("127.1"));
        Assert.Equal(IPAddress.Parse("169.254.169.254"), IPAddress.Parse("2852039166"));
        Assert.Equal(IPAddress.Parse("10.0.0.1"), IPAddress.Parse("012.0.0.1"));
        // And System.Uri, which every guard receives the host from, canonicalises them the same way.
        Assert.Equal("127.0.0.1", UrlOf("0x7f000001", 443).IdnHost);
        Assert.Equal("169.254.169.254", UrlOf("2852039166", 443).IdnHost);
    }

    [Theory, MemberData(nameof(TargetData))]
    public async Task The_probe_refuses_every_target_and_connects_nowhere(string host)
    {
        using var listener = Listen(out var port);
        var url = UrlOf(host, port);
        await Assert.ThrowsAsync<ProbeRefusedException>(() => EndpointProbe.ResolveAllowedAsync(url.IdnHost, [], CancellationToken.None));
        // The raw spelling too, in case a caller hands the guard a host that System.Uri did not canonicalise.
        await Assert.ThrowsAsync<ProbeRefusedException>(() => EndpointProbe.ResolveAllowedAsync(host, [], CancellationToken.None));

        var report = await EndpointProbe.ProbeAsync(new ProbeTarget(url) { Endpoints = ["/api"], WebhookUrl = new Uri(url, "/hook") },
            new ProbeOptions { RequestTimeout = TimeSpan.FromSeconds(2) }, CancellationToken.None);
        Assert.Equal(Verdict.Incomplete, report.Verdict);
        Assert.Empty(report.Checks);
        Assert.False(listener.Pending(), $"the probe connected to {host}");
    }

    [Theory, MemberData(nameof(TargetData))]
    public async Task The_webhook_guard_refuses_every_target_with_the_one_answer(string host)
    {
        var guard = new WebhookAddressGuard(Options.Create(new NotificationsOptions { AllowHttpWebhooks = true }), NullLogger<WebhookAddressGuard>.Instance);
        Assert.Null(guard.CheckUrlForm(UrlOf(host, 443).ToString(), out var uri));
        var refused = await Assert.ThrowsAsync<WebhookRefusedException>(() => guard.ResolveAllowedAsync(uri!.IdnHost, CancellationToken.None));
        Assert.Equal(WebhookAddressGuard.RefusedMessage(uri!.IdnHost.Trim('[', ']').TrimEnd('.')), refused.Message);
        await Assert.ThrowsAsync<WebhookRefusedException>(() => guard.ResolveAllowedAsync(host, CancellationToken.None));
    }

    [Theory, MemberData(nameof(TargetData))]
    public async Task The_registry_client_refuses_every_target_and_connects_nowhere(string host)
    {
        using var listener = Listen(out var port);
        using var client = RegistryClient.CreateHttpClient([], TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(UrlOf(host, port, "http")));
        Assert.False(listener.Pending(), $"the registry client connected to {host}");
    }

    [Fact]
    public async Task A_redirect_from_an_allowed_registry_to_any_target_is_refused_and_connects_nowhere()
    {
        // The first server is allowed by name and port (as an operator lists an internal registry); what it redirects to is not.
        using var target = Listen(out var targetPort);
        using var redirector = Listen(out var redirectorPort);
        var loopbackForms = Targets.Where(t => IPAddress.TryParse(t.Trim('[', ']').TrimEnd('.'), out var a)
            ? IPAddress.IsLoopback(PublicAddresses.Normalize(a)) : t.StartsWith("localhost", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(loopbackForms.Count > 10);
        using var client = RegistryClient.CreateHttpClient([$"127.0.0.1:{redirectorPort}"], TimeSpan.FromSeconds(5));
        foreach (var form in loopbackForms)
        {
            var location = UrlOf(form, targetPort, "http");
            var served = ServeOneRedirectAsync(redirector, location);
            // Refused by the guard, or (a name with a trailing dot that the resolver does not know) not resolved: either way not reached.
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(new Uri($"http://127.0.0.1:{redirectorPort}/v2/")));
            Assert.True(await served, $"the allowed registry was not asked before the redirect to {form}");
            Assert.False(target.Pending(), $"the registry client followed a redirect to {form}");
        }
    }

    private static TcpListener Listen(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    /// <summary>Answers one request with a 302 to <paramref name="location"/>; true once it was asked.</summary>
    private static async Task<bool> ServeOneRedirectAsync(TcpListener listener, Uri location)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = await listener.AcceptSocketAsync(cts.Token);
        var buffer = new byte[8192];
        var read = 0;
        while (!Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), cts.Token);
            if (n == 0) break;
            read += n;
        }
        var answer = $"HTTP/1.1 302 Found\r\nLocation: {location.OriginalString}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(answer), cts.Token);
        return true;
    }
}
