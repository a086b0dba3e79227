using System.Net;
using System.Text.Json;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Commands;

/// <summary><c>gatehouse audit verify</c> also reports the state changes the server holds without an audit entry.</summary>
public sealed class AuditGapsTests
{
    private static readonly object Approval = AuditLogBuilder.Gap("decision", "0b1e5f3a-0000-4000-8000-000000000001", "version.approve",
        "acme 1.0.0: approve in-review -> approved by rev-1");
    private static readonly object Token = AuditLogBuilder.Gap("token.issued", "tok42", "auth.token.issued", "personal access token 'ci' of user u-7");

    private static CliHarness Serving(int entries, int gapCount, params object[] gaps)
    {
        var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.ServeAudit(AuditLogBuilder.Chain(entries)).ServeGaps(gapCount, gaps);
        return cli;
    }

    [Fact]
    public async Task An_intact_chain_with_unaudited_changes_exits_5_and_lists_them()
    {
        using var cli = Serving(5, 2, Approval, Token);

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.UnauditedChanges, run.ExitCode);
        var lines = run.Out.TrimEnd('\n').Split('\n');
        Assert.StartsWith("audit chain intact: 5 entries", lines[0], StringComparison.Ordinal);
        Assert.Equal("chain ok, 2 state changes without an audit entry:", lines[1]);
        Assert.Equal("  decision 0b1e5f3a-0000-4000-8000-000000000001 2026-12-01T10:00:00Z: no version.approve entry (acme 1.0.0: approve in-review -> approved by rev-1)", lines[2]);
        Assert.Equal("  token.issued tok42 2026-12-01T10:00:00Z: no auth.token.issued entry (personal access token 'ci' of user u-7)", lines[3]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public async Task A_broken_chain_exits_1_even_with_unaudited_changes_and_still_lists_them()
    {
        var chain = AuditLogBuilder.Chain(6);
        chain[2] = chain[2] with { Data = "{}" };
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.ServeAudit(chain).ServeGaps(1, Token);

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        Assert.Contains("audit chain BROKEN at entry #3", run.Out, StringComparison.Ordinal);
        Assert.Contains("\n1 state change without an audit entry:\n  token.issued tok42 ", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_gaps_than_the_server_lists_are_counted()
    {
        using var cli = Serving(3, 1500, Approval);

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.UnauditedChanges, run.ExitCode);
        Assert.Contains("chain ok, 1500 state changes without an audit entry:", run.Out, StringComparison.Ordinal);
        Assert.Contains("  … and 1499 more", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_adds_ok_gapCount_and_gaps()
    {
        using var cli = Serving(4, 1, Approval);

        var run = await cli.RunAsync("audit", "verify", "--format", "json");

        Assert.Equal(ExitCodes.UnauditedChanges, run.ExitCode);
        var root = JsonDocument.Parse(run.Out).RootElement;
        Assert.True(root.GetProperty("intact").GetBoolean()); // the chain's own verdict keeps its meaning
        Assert.False(root.GetProperty("ok").GetBoolean());
        Assert.Equal(1, root.GetProperty("gapCount").GetInt32());
        var gap = Assert.Single(root.GetProperty("gaps").EnumerateArray());
        Assert.Equal("decision", gap.GetProperty("kind").GetString());
        Assert.Equal("version.approve", gap.GetProperty("action").GetString());
    }

    [Fact]
    public async Task Json_output_of_a_clean_world_is_ok()
    {
        using var cli = Serving(4, 0);

        var run = await cli.RunAsync("audit", "verify", "--format", "json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var root = JsonDocument.Parse(run.Out).RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal(0, root.GetProperty("gapCount").GetInt32());
        Assert.Empty(root.GetProperty("gaps").EnumerateArray());
    }

    [Fact]
    public async Task Sarif_output_has_one_unaudited_change_result_per_gap()
    {
        using var cli = Serving(4, 2, Approval, Token);

        var run = await cli.RunAsync("audit", "verify", "--format", "sarif");

        Assert.Equal(ExitCodes.UnauditedChanges, run.ExitCode);
        var run0 = JsonDocument.Parse(run.Out).RootElement.GetProperty("runs")[0];
        var results = run0.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal("audit.unaudited-change", r.GetProperty("ruleId").GetString()));
        Assert.Equal("token.issued/tok42",
            results[1].GetProperty("locations")[0].GetProperty("logicalLocations")[0].GetProperty("fullyQualifiedName").GetString());
    }

    [Fact]
    public async Task No_gaps_checks_the_chain_alone()
    {
        using var cli = Serving(4, 2, Approval, Token);

        var run = await cli.RunAsync("audit", "verify", "--no-gaps");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.DoesNotContain(cli.Api.Requests, r => r.Uri.AbsolutePath == "/api/audit/gaps");
        Assert.DoesNotContain("state change", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_cannot_compare_state_makes_the_check_incomplete()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.ServeAudit(AuditLogBuilder.Chain(3))
            .Route("/api/audit/gaps", _ => FakeApi.Problem(HttpStatusCode.NotFound, "http.not-found", "Not Found"));

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("GET /api/audit/gaps", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gap_report_without_its_count_makes_the_check_incomplete()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.ServeAudit(AuditLogBuilder.Chain(3)).Json("/api/audit/gaps", new { gaps = Array.Empty<object>() });

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("[cli.bad-response]", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Control_characters_in_a_gap_are_not_written_to_the_terminal()
    {
        using var cli = Serving(2, 1, AuditLogBuilder.Gap("token.issued", "t\u001b[2J", "auth.token.issued", "name\nforged line"));

        var run = await cli.RunAsync("audit", "verify");

        Assert.DoesNotContain('\u001b', run.Out);
        Assert.Equal(3, run.Out.TrimEnd('\n').Split('\n').Length);
    }
}
