using System.Net;
using System.Text.Json;
using Gatehouse.Analysis.Audit;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Commands;

public sealed class AuditVerifyTests
{
    private static CliHarness Serving(IReadOnlyList<AuditEntryData> entries)
    {
        var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.ServeAudit(entries);
        return cli;
    }

    [Fact]
    public async Task An_intact_chain_exits_0_and_names_the_head()
    {
        var chain = AuditLogBuilder.Chain(25);
        using var cli = Serving(chain);

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal($"audit chain intact: 25 entries, head #25 {chain[^1].Hash}\nchain ok, no state change without an audit entry\n", run.Out);
        Assert.Empty(run.Err);
    }

    [Fact]
    public async Task Verify_pages_through_the_whole_log()
    {
        using var cli = Serving(AuditLogBuilder.Chain(25));

        var run = await cli.RunAsync("audit", "verify", "--page-size", "10");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(
            ["after=0&limit=10", "after=10&limit=10", "after=20&limit=10"],
            cli.Api.Requests.Where(r => r.Uri.AbsolutePath == "/api/audit").Select(r => r.Uri.Query.TrimStart('?')));
    }

    [Fact]
    public async Task An_empty_log_is_intact()
    {
        using var cli = Serving([]);

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.StartsWith("audit chain intact: 0 entries, head #0 ", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_altered_entry_exits_1_naming_its_sequence_and_audit_hash_mismatch()
    {
        var chain = AuditLogBuilder.Chain(20);
        chain[11] = chain[11] with { Actor = "someone-else" };
        using var cli = Serving(chain);

        var run = await cli.RunAsync("audit", "verify", "--page-size", "5");

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        Assert.StartsWith("audit chain BROKEN at entry #12 [audit.hash-mismatch]: ", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_stops_paging_at_the_first_break()
    {
        var chain = AuditLogBuilder.Chain(20);
        chain[2] = chain[2] with { Data = "{}" };
        using var cli = Serving(chain);

        await cli.RunAsync("audit", "verify", "--page-size", "5");

        Assert.Single(cli.Api.Requests, r => r.Uri.AbsolutePath == "/api/audit");
    }

    [Fact]
    public async Task A_deleted_entry_is_reported_as_audit_gap()
    {
        var chain = AuditLogBuilder.Chain(20);
        chain.RemoveAt(6);
        using var cli = Serving(chain);

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        Assert.StartsWith("audit chain BROKEN at entry #7 [audit.gap]: ", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_and_renumbered_entry_is_reported_as_audit_previous_mismatch()
    {
        var chain = AuditLogBuilder.Chain(10);
        chain.RemoveAt(4);
        for (var i = 4; i < chain.Count; i++) chain[i] = chain[i] with { Sequence = i + 1 };
        using var cli = Serving(chain);

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        Assert.Contains("[audit.previous-mismatch]", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_log_is_reported_as_audit_head_mismatch_when_the_old_head_is_expected()
    {
        var chain = AuditLogBuilder.Chain(30);
        var recordedHead = $"{chain[29].Sequence}:{chain[29].Hash}";
        using var cli = Serving(chain.Take(27).ToList());

        var run = await cli.RunAsync("audit", "verify", "--expect-head", recordedHead);

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        Assert.StartsWith("audit chain BROKEN at entry #30 [audit.head-mismatch]: ", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_truncated_log_looks_intact_without_an_expected_head()
    {
        using var cli = Serving(AuditLogBuilder.Chain(30).Take(27).ToList());

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
    }

    [Fact]
    public async Task A_rewritten_log_is_reported_as_audit_head_mismatch_when_an_old_head_is_expected()
    {
        var original = AuditLogBuilder.Chain(10);
        var recordedHead = $"#{original[7].Sequence}:{original[7].Hash.ToUpperInvariant()}";
        var rewritten = AuditLogBuilder.Chain(12)
            .Select(e => e with { Actor = "rewriter" })
            .Aggregate(new List<AuditEntryData>(), (list, e) =>
            {
                list.Add(AuditChain.Seal(e with { PreviousHash = list.Count == 0 ? AuditChain.GenesisHash : list[^1].Hash }));
                return list;
            });
        using var cli = Serving(rewritten);

        var run = await cli.RunAsync("audit", "verify", "--expect-head", recordedHead);

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        Assert.StartsWith("audit chain BROKEN at entry #8 [audit.head-mismatch]: ", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expected_head_that_is_still_there_keeps_the_chain_intact()
    {
        var chain = AuditLogBuilder.Chain(30);
        using var cli = Serving(chain);

        var run = await cli.RunAsync("audit", "verify", "--expect-head", $"20:{chain[19].Hash}");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("expected head #20 is present and unchanged", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_reports_an_intact_chain()
    {
        var chain = AuditLogBuilder.Chain(4);
        using var cli = Serving(chain);

        var run = await cli.RunAsync("audit", "verify", "--format", "json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("intact").GetBoolean());
        Assert.Equal(4, root.GetProperty("verified").GetInt64());
        Assert.Equal(4, root.GetProperty("headSequence").GetInt64());
        Assert.Equal(chain[3].Hash, root.GetProperty("headHash").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("break").ValueKind);
    }

    [Fact]
    public async Task Json_output_reports_the_break()
    {
        var chain = AuditLogBuilder.Chain(6);
        chain[3] = chain[3] with { AtUnixMs = 0 };
        using var cli = Serving(chain);

        var run = await cli.RunAsync("audit", "verify", "--format", "json");

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        Assert.False(root.GetProperty("intact").GetBoolean());
        Assert.Equal(3, root.GetProperty("verified").GetInt64());
        Assert.Equal(4, root.GetProperty("break").GetProperty("sequence").GetInt64());
        Assert.Equal("audit.hash-mismatch", root.GetProperty("break").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Sarif_output_has_one_error_result_for_the_break()
    {
        var chain = AuditLogBuilder.Chain(6);
        chain.RemoveAt(2);
        using var cli = Serving(chain);

        var run = await cli.RunAsync("audit", "verify", "--format", "sarif");

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal("2.1.0", doc.RootElement.GetProperty("version").GetString());
        var run0 = doc.RootElement.GetProperty("runs")[0];
        Assert.Equal("gatehouse", run0.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
        var result = Assert.Single(run0.GetProperty("results").EnumerateArray());
        Assert.Equal("audit.gap", result.GetProperty("ruleId").GetString());
        Assert.Equal("error", result.GetProperty("level").GetString());
        var ruleIndex = result.GetProperty("ruleIndex").GetInt32();
        Assert.Equal("audit.gap", run0.GetProperty("tool").GetProperty("driver").GetProperty("rules")[ruleIndex].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Sarif_output_has_no_results_for_an_intact_chain()
    {
        using var cli = Serving(AuditLogBuilder.Chain(6));

        var run = await cli.RunAsync("audit", "verify", "--format", "sarif");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Empty(doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray());
    }

    [Fact]
    public async Task A_server_error_exits_3_showing_the_problem_code_and_title()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.Route("/api/audit", _ => FakeApi.Problem(HttpStatusCode.Forbidden, "auth.scope-missing", "The token lacks the audit:read scope"));

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.StartsWith("gatehouse: error: [auth.scope-missing] The token lacks the audit:read scope (HTTP 403", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_without_a_problem_body_exits_3_with_the_status()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.Route("/api/audit", _ => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>nginx</html>") });

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("HTTP 502", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_exits_3()
    {
        using var cli = new CliHarness(new UnreachableHandler()).LoggedInByEnvironment();

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("[cli.server-unreachable]", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_response_that_is_not_json_exits_3()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.Route("/api/audit", _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>login page</html>") });

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("[cli.bad-response]", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entry_without_a_hash_exits_3_naming_the_member()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.Json("/api/audit", new { entries = new[] { new { sequence = 1, atUnixMs = 1, actor = "a", action = "b", data = "{}", previousHash = AuditChain.GenesisHash } }, next = (long?)null });

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("'hash'", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_next_cursor_that_does_not_advance_exits_3_instead_of_looping()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.Json("/api/audit", new { entries = Array.Empty<object>(), next = 0 });

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("[cli.bad-response]", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_is_shown_on_stderr_when_it_is_a_terminal()
    {
        using var cli = Serving(AuditLogBuilder.Chain(10_000));
        cli.ErrorIsTerminal = true;

        var run = await cli.RunAsync("audit", "verify", "--page-size", "5000");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("verifying audit chain: 10,000 entries", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Control_characters_from_the_server_are_not_written_to_the_terminal()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.Route("/api/audit", _ => FakeApi.Problem(HttpStatusCode.InternalServerError, "x", "bad\u001b[2J\nforged line"));

        var run = await cli.RunAsync("audit", "verify");

        Assert.DoesNotContain('\u001b', run.Err);
        Assert.Single(run.Err.TrimEnd('\n').Split('\n'));
    }
}
