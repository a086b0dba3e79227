using System.Net;
using System.Net.Sockets;
using Gatehouse.Analysis.Probes;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Tests.Probes;

public sealed class EndpointProbeTests : IDisposable
{
    private readonly TestPki _pki = new();

    private ProbeOptions Options(bool trustTestCa = true) => new()
    {
        AllowedAddresses = ["127.0.0.1"],
        TrustedRoots = trustTestCa ? _pki.Roots : null,
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    private static ProbeTarget Target(ProbeTestServer server, string host = "127.0.0.1", string? credential = null) =>
        new(server.BaseUrl(host))
        {
            Endpoints = ["/api/data", "api/items"],
            WebhookUrl = new Uri(server.BaseUrl(host), "/webhooks/lifecycle"),
            Credential = credential,
        };

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task A_well_configured_integration_gives_no_findings()
    {
        using var cert = _pki.GoodLeaf();
        await using var server = await ProbeTestServer.StartAsync(cert, ProbeApps.Good);

        var report = await EndpointProbe.ProbeAsync(Target(server, credential: ProbeApps.GoodToken), Options(), CancellationToken.None);

        Assert.Empty(report.Findings);
        Assert.Equal(Verdict.Pass, report.Verdict);
        Assert.Contains(report.Checks, c => c is { Name: "tls-legacy", Status: "pass" });
        Assert.Contains(report.Checks, c => c.Name.StartsWith("cache-control /", StringComparison.Ordinal) || c.Name.StartsWith("cache-control https", StringComparison.Ordinal));
        Assert.DoesNotContain(report.Checks, c => c.Status is "fail" or "not-testable");
    }

    [Fact]
    public async Task A_badly_configured_integration_gives_the_matching_findings()
    {
        using var cert = _pki.GoodLeaf();
        await using var server = await ProbeTestServer.StartAsync(cert, ProbeApps.Bad);
        var target = Target(server) with { Endpoints = ["/api/data", "/api/open"] };

        var report = await EndpointProbe.ProbeAsync(target, Options(), CancellationToken.None);

        var rules = report.Findings.Select(f => f.RuleId).ToList();
        Assert.Contains("probe.hsts-missing", rules);
        Assert.Equal(3, rules.Count(r => r == "probe.header-missing"));
        Assert.Single(report.Findings, f => f.RuleId == "probe.cookie-flags" && f.Message.Contains("Secure, HttpOnly, SameSite", StringComparison.Ordinal));
        Assert.Single(report.Findings, f => f.RuleId == "probe.jwt-alg-none-accepted" && f.Path.EndsWith("/api/data", StringComparison.Ordinal));
        Assert.DoesNotContain("probe.jwt-forged-accepted", rules);
        Assert.Single(report.Findings, f => f.RuleId == "probe.auth-not-enforced" && f.Path.EndsWith("/api/open", StringComparison.Ordinal));
        Assert.Equal(2, rules.Count(r => r == "probe.webhook-signature-not-verified"));
        Assert.DoesNotContain(rules, r => r.StartsWith("probe.certificate", StringComparison.Ordinal));
        Assert.All(report.Findings, f => Assert.False(string.IsNullOrEmpty(f.RequirementId)));
        Assert.Equal(Verdict.Reject, report.Verdict);
    }

    [Fact]
    public async Task An_expired_certificate_is_invalid()
    {
        var now = TimeProvider.System.GetUtcNow();
        using var cert = _pki.Leaf(now.AddDays(-60), now.AddDays(-1), "127.0.0.1");
        await using var server = await ProbeTestServer.StartAsync(cert, ProbeApps.Good);

        var report = await EndpointProbe.ProbeAsync(Target(server), Options(), CancellationToken.None);

        var finding = Assert.Single(report.Findings);
        Assert.Equal("probe.certificate-invalid", finding.RuleId);
        Assert.Contains("NotTimeValid", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_expiring_in_ten_days_is_reported_for_review()
    {
        var now = TimeProvider.System.GetUtcNow();
        using var cert = _pki.Leaf(now.AddDays(-60), now.AddDays(10), "127.0.0.1");
        await using var server = await ProbeTestServer.StartAsync(cert, ProbeApps.Good);

        var report = await EndpointProbe.ProbeAsync(Target(server), Options(), CancellationToken.None);

        Assert.Equal("probe.certificate-expiring", Assert.Single(report.Findings).RuleId);
        Assert.Equal(Verdict.Review, report.Verdict);
    }

    [Fact]
    public async Task A_certificate_for_another_host_is_invalid()
    {
        var now = TimeProvider.System.GetUtcNow();
        using var cert = _pki.Leaf(now.AddDays(-1), now.AddDays(365), "other.example");
        await using var server = await ProbeTestServer.StartAsync(cert, ProbeApps.Good);

        var report = await EndpointProbe.ProbeAsync(Target(server), Options(), CancellationToken.None);

        var finding = Assert.Single(report.Findings);
        Assert.Equal("probe.certificate-invalid", finding.RuleId);
        Assert.Contains("NameMismatch", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_from_a_root_the_probe_does_not_trust_is_invalid()
    {
        using var cert = _pki.GoodLeaf();
        await using var server = await ProbeTestServer.StartAsync(cert, ProbeApps.Good);

        var report = await EndpointProbe.ProbeAsync(Target(server), Options(trustTestCa: false), CancellationToken.None);

        Assert.Equal("probe.certificate-invalid", Assert.Single(report.Findings).RuleId);
    }

    [Fact]
    public async Task The_test_credential_is_not_sent_when_the_certificate_is_invalid()
    {
        using var cert = _pki.GoodLeaf();
        await using var server = await ProbeTestServer.StartAsync(cert, ProbeApps.Good);

        var report = await EndpointProbe.ProbeAsync(Target(server, credential: ProbeApps.GoodToken), Options(trustTestCa: false), CancellationToken.None);

        Assert.Contains(report.Checks, c => c is { Name: "cache-control", Status: "skipped" });
    }

    [Fact]
    public async Task A_redirect_is_reported_as_an_answer_and_never_followed()
    {
        using var cert = _pki.GoodLeaf();
        await using var inner = await ProbeTestServer.StartAsync(cert, ProbeApps.Good);
        await using var server = await ProbeTestServer.StartAsync(cert, context =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = inner.BaseUrl().ToString();
            return Task.CompletedTask;
        });

        var report = await EndpointProbe.ProbeAsync(new ProbeTarget(server.BaseUrl()) { Endpoints = ["/api/data"] }, Options(), CancellationToken.None);

        Assert.Equal(0, inner.Requests);
        Assert.Contains(report.Findings, f => f.RuleId == "probe.auth-not-enforced");
    }

    [Fact]
    public async Task A_server_that_does_not_answer_makes_the_probe_incomplete()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens on the port now

        var report = await EndpointProbe.ProbeAsync(new ProbeTarget(new Uri($"https://127.0.0.1:{port}/")), Options(), CancellationToken.None);

        Assert.Equal(Verdict.Incomplete, report.Verdict);
        Assert.Equal("probe.unreachable", Assert.Single(report.Findings).RuleId);
    }

    [Fact]
    public async Task Endpoints_on_another_host_are_refused_as_a_usage_error()
    {
        var target = new ProbeTarget(new Uri("https://app.example/")) { Endpoints = ["https://evil.example/api"] };

        await Assert.ThrowsAsync<ArgumentException>(() => EndpointProbe.ProbeAsync(target, Options(), CancellationToken.None));
    }
}
