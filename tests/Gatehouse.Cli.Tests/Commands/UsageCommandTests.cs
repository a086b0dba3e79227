using System.Net;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Commands;

/// <summary><c>gatehouse usage</c> against a fake server (the real one: tests/Gatehouse.Server.Tests/Usage/Views/UsageViewsTests.cs).</summary>
public sealed class UsageCommandTests
{
    private static object Counts(long calls, long s4xx = 0, long s403 = 0) => new
    {
        calls, status2xx = calls - s4xx, status4xx = s4xx, status5xx = 0, unauthorized401 = 0, forbidden403 = s403, tooMany429 = 0,
        scopeViolations = s403, notInstalledCalls = 0, bytesOut = calls * 100, meanLatencyMs = 12.5, maxLatencyMs = 40.25,
    };

    private static object Series(params object[] points) => new
    {
        app = "acme", from = "2026-03-02T00:00:00+00:00", to = "2026-03-02T03:00:00+00:00", bucket = "hour", installation = (Guid?)null,
        endpoint = (string?)null, total = Counts(12, 2, 2), points,
    };

    [Fact]
    public async Task Usage_prints_the_buckets_with_calls_and_the_total_and_sends_the_filters_as_a_query()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.Json("/api/apps/acme/usage", Series(
            new { start = "2026-03-02T00:00:00+00:00", usage = Counts(0) },
            new { start = "2026-03-02T01:00:00+00:00", usage = Counts(12, 2, 2) },
            new { start = "2026-03-02T02:00:00+00:00", usage = Counts(0) }));
        var tenant = Guid.NewGuid();
        var run = await cli.RunAsync("usage", "acme", "--from", "2026-03-02", "--to", "2026-03-02T03:00:00+01:00", "--installation", tenant.ToString(),
            "--endpoint", "GET /platform/v1/projects");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Matches(@"2026-03-02 01:00Z\s+12\s+10\s+2\s+0\s+0\s+2\s+0\s+2\s+1200\s+12\.5\s+40\.25", run.Out);
        Assert.Matches(@"total\s+12\s+10\s+2", run.Out);
        Assert.DoesNotContain("2026-03-02 00:00Z  ", run.Out, StringComparison.Ordinal);
        Assert.Contains("1 hour(s) with calls", run.Out, StringComparison.Ordinal);
        var query = Uri.UnescapeDataString(cli.Api.Requests[^1].Uri.Query);
        Assert.Contains("from=2026-03-02T00:00:00Z", query, StringComparison.Ordinal);
        Assert.Contains("to=2026-03-02T02:00:00Z", query, StringComparison.Ordinal);
        Assert.Contains("bucket=hour", query, StringComparison.Ordinal);
        Assert.Contains($"installation={tenant:D}", query, StringComparison.Ordinal);
        Assert.Contains("endpoint=GET /platform/v1/projects", query, StringComparison.Ordinal);

        var json = await cli.RunAsync("usage", "acme", "--format", "json");
        Assert.Equal(ExitCodes.Ok, json.ExitCode);
        Assert.Contains("\"status2xx\": 10", json.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_arguments_are_usage_errors_and_an_unknown_app_is_the_servers_404()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("usage", "acme", "--from", "yesterday-ish")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("usage", "acme", "--bucket", "week")).ExitCode);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("usage", "alerts", "acme", "--status", "closed")).ExitCode);
        Assert.Empty(cli.Api.Requests);
        cli.Api.Route("/api/apps/nope/usage", _ => FakeApi.Problem(HttpStatusCode.NotFound, "request.not-found", "App not found"));
        var missing = await cli.RunAsync("usage", "nope");
        Assert.NotEqual(ExitCodes.Ok, missing.ExitCode);
        Assert.Contains("[request.not-found]", missing.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alerts_and_tenant_print_tables_with_the_evidence_and_the_callers()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        var id = Guid.NewGuid();
        cli.Api.Json("/api/apps/acme/usage/alerts", new[]
        {
            new
            {
                id, app = "acme", detectorId = "usage.volume-spike", detectorVersion = "1", installationId = (string?)null, severity = "high", score = 9.1,
                explanation = "calls far above the baseline", evidenceFrom = "2026-03-02T10:00:00+00:00", evidenceTo = "2026-03-02T11:00:00+00:00",
                metric = "calls", observed = 900.0, baseline = 40.5, raisedAt = "2026-03-02T11:00:00+00:00", lastSeenAt = "2026-03-02T11:00:00+00:00",
                occurrences = 1, status = "open", action = "throttle",
            },
        });
        var alerts = await cli.RunAsync("usage", "alerts", "acme", "--status", "active");
        Assert.Equal(ExitCodes.Ok, alerts.ExitCode);
        Assert.Matches($@"{id}\s+high\s+usage\.volume-spike\s+open\s+2026-03-02 11:00Z\s+2026-03-02 10:00Z \.\. 2026-03-02 11:00Z\s+calls 900 / 40\.5\s+throttle", alerts.Out);
        Assert.Equal("?status=active", cli.Api.Requests[^1].Uri.Query);

        var tenant = Guid.NewGuid();
        cli.Api.Json($"/api/tenants/{tenant}/usage", new
        {
            tenantId = tenant, tenantName = "Contoso", from = "2026-03-01T00:00:00+00:00", to = "2026-03-08T00:00:00+00:00",
            apps = new[] { new { app = "acme", name = "Acme", installed = false, usage = Counts(30, 30, 30), firstCall = "2026-03-02T10:05:00+00:00", lastCall = "2026-03-03T09:00:00+00:00" } },
        });
        var callers = await cli.RunAsync("usage", "tenant", tenant.ToString());
        Assert.Equal(ExitCodes.Ok, callers.ExitCode);
        Assert.Matches(@"acme\s+no\s+30\s+30\s+3000\s+2026-03-02 10:05Z\s+2026-03-03 09:00Z", callers.Out);
        Assert.Contains("1 app(s) called the data of Contoso", callers.Out, StringComparison.Ordinal);
    }
}
