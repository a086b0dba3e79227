using System.Net;
using Gatehouse.Analysis.Probes;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Tests.Probes;

public sealed class SsrfGuardTests
{
    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("fd00:ec2::254")]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("224.0.0.1")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("2002:a9fe:a9fe::1")]
    public async Task Non_public_addresses_are_refused_without_an_allow_list(string host)
    {
        var ex = await Assert.ThrowsAsync<ProbeRefusedException>(() => EndpointProbe.ResolveAllowedAsync(host, [], CancellationToken.None));
        Assert.True(ex.Ssrf);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    public void Public_addresses_are_public(string address) => Assert.True(PublicAddresses.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task An_allow_listed_address_is_allowed_and_only_it()
    {
        Assert.Equal([IPAddress.Loopback], await EndpointProbe.ResolveAllowedAsync("127.0.0.1", ["127.0.0.1"], CancellationToken.None));
        Assert.Equal([IPAddress.Loopback], await EndpointProbe.ResolveAllowedAsync("::ffff:127.0.0.1", ["127.0.0.0/8"], CancellationToken.None));
        await Assert.ThrowsAsync<ProbeRefusedException>(() => EndpointProbe.ResolveAllowedAsync("10.0.0.1", ["127.0.0.1"], CancellationToken.None));
    }

    [Fact]
    public async Task A_host_name_resolving_to_loopback_is_pinned_to_the_allowed_address()
    {
        var addresses = await EndpointProbe.ResolveAllowedAsync("localhost", ["127.0.0.1"], CancellationToken.None);

        Assert.Equal(IPAddress.Loopback, addresses[0]);
        Assert.DoesNotContain(IPAddress.IPv6Loopback, addresses);
    }

    [Theory]
    [InlineData("https://10.0.0.1/")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://[::ffff:127.0.0.1]/")]
    [InlineData("https://localhost/")]
    public async Task Probing_a_non_public_target_connects_nowhere_and_is_incomplete(string url)
    {
        var report = await EndpointProbe.ProbeAsync(new ProbeTarget(new Uri(url)) { Endpoints = ["/api"], WebhookUrl = new Uri(new Uri(url), "/hook") },
            new ProbeOptions { RequestTimeout = TimeSpan.FromSeconds(2) }, CancellationToken.None);

        Assert.Equal(Verdict.Incomplete, report.Verdict);
        Assert.All(report.Findings, f => Assert.Equal("probe.ssrf-blocked", f.RuleId));
        Assert.NotEmpty(report.Findings);
        Assert.Empty(report.Checks);
    }
}
