using System.Text.Json;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Apps;

public sealed class StatusCommandTests
{
    private static readonly object[] Versions =
    [
        new
        {
            version = "1.2.0", state = "in-review", currentScanId = Guid.NewGuid(), incompleteScans = 0, artifactSize = 10,
            submittedAt = "2026-11-29T17:01:00Z", slaDueAt = "2026-12-01T17:01:00Z", createdAt = "2026-11-29T16:00:00Z",
        },
        new { version = "1.1.0", state = "draft", currentScanId = (Guid?)null, incompleteScans = 0, artifactSize = 0, createdAt = "2026-11-01T16:00:00Z" },
    ];

    private static CliHarness Server()
    {
        var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.Json("/api/apps/acme/versions", Versions);
        cli.Api.Json("/api/apps/acme/versions/1.2.0", new
        {
            version = Versions[0],
            scan = FakeAppsServer.ScanResult("reject", "reject", "secret.github-pat", "malware.clamav"),
            questionnaire = new
            {
                appType = "downloadable", questionnaireVersion = 3, questionnaireDigest = "sha256:00", score = "warn",
                items = new object[]
                {
                    new { id = "Q-DL-1", answer = "yes", score = "info", requirement = "GH-FILE-1", message = "ok" },
                    new { id = "Q-DL-4", answer = "partly", score = "warn", requirement = "GH-DEP-1", message = "scan dependencies in CI" },
                },
                errors = Array.Empty<string>(),
            },
            submissionBlockers = Array.Empty<object>(),
        });
        cli.Api.Json("/api/apps/acme/versions/1.2.0/history", new object[]
        {
            new { from = "draft", to = "submitted", action = "submit", reasonCodes = Array.Empty<string>(), text = (string?)null, actor = "u-42", at = "2026-11-29T17:01:00Z" },
            new { from = "scanning", to = "in-review", action = "scan-completed", reasonCodes = new[] { "secret.github-pat" }, text = "scan verdict reject", actor = "system", at = "2026-11-29T17:02:00Z" },
        });
        return cli;
    }

    [Fact]
    public async Task Status_lists_versions_with_state_verdict_submitted_and_sla_due()
    {
        using var cli = Server();

        var run = await cli.RunAsync("status", "acme");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var lines = run.Out.Split('\n');
        Assert.Matches(@"^VERSION\s+STATE\s+VERDICT\s+SUBMITTED\s+SLA DUE$", lines[0]);
        Assert.Matches(@"^1\.2\.0\s+in-review\s+reject\s+2026-11-29 17:01Z\s+2026-12-01 17:01Z", lines[1]);
        Assert.Matches(@"^1\.1\.0\s+draft\s+-\s+-\s+-$", lines[2]);
        Assert.Equal("2 version(s) of acme", lines[3]);
        // Only versions with a scan are looked up for their verdict.
        Assert.DoesNotContain(cli.Api.Requests, r => r.Uri.AbsolutePath == "/api/apps/acme/versions/1.1.0");
    }

    [Fact]
    public async Task Status_with_a_version_shows_verdicts_blocking_rules_questionnaire_and_transitions()
    {
        using var cli = Server();

        var run = await cli.RunAsync("status", "acme", "--version", "1.2.0");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.StartsWith("acme 1.2.0: in-review\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("scan:           done, verdict reject, after suppressions reject; 3 finding(s), 0 suppressed, risk 40", run.Out, StringComparison.Ordinal);
        Assert.Contains("blocking:       secret.github-pat, malware.clamav", run.Out, StringComparison.Ordinal);
        Assert.Contains("questionnaire:  warn (downloadable v3: 1 info, 1 warn, 0 fail)", run.Out, StringComparison.Ordinal);
        Assert.Contains("warn  Q-DL-4 (GH-DEP-1): scan dependencies in CI", run.Out, StringComparison.Ordinal);
        Assert.Contains("2026-11-29 17:02Z  scanning → in-review  scan-completed by system [secret.github-pat]: scan verdict reject", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_shows_what_still_blocks_a_draft()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.Json("/api/apps/acme/versions/2.0.0", new
        {
            version = new { version = "2.0.0", state = "draft", incompleteScans = 0, artifactSize = 0 },
            scan = (object?)null,
            questionnaire = (object?)null,
            submissionBlockers = new[] { new { code = "attestation.missing", message = "a named person must attest" } },
        });
        cli.Api.Json("/api/apps/acme/versions/2.0.0/history", Array.Empty<object>());

        var run = await cli.RunAsync("status", "acme", "--version", "2.0.0");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("submission blockers:\n  [attestation.missing] a named person must attest\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("questionnaire:  not answered", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_json_is_the_servers_list()
    {
        using var cli = Server();

        var run = await cli.RunAsync("status", "acme", "--format", "json");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(JsonSerializer.Serialize(Versions, JsonSerializerOptions.Web), JsonSerializer.Serialize(doc.RootElement));
    }

    [Fact]
    public async Task Status_json_of_a_version_is_the_servers_detail_with_its_history()
    {
        using var cli = Server();

        var run = await cli.RunAsync("status", "acme", "--version", "1.2.0", "--format", "json");

        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(["version", "scan", "questionnaire", "submissionBlockers", "history"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("scan-completed", doc.RootElement.GetProperty("history")[1].GetProperty("action").GetString());
    }

    [Fact]
    public async Task An_unknown_app_exits_3_with_the_servers_code()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();

        var run = await cli.RunAsync("status", "nope");

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("[http.not-found]", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_from_the_server_cannot_write_terminal_escapes()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.Json("/api/apps/acme/versions", new[] { new { version = "1.0\u001b[2J", state = "draft\r\nforged", incompleteScans = 0, artifactSize = 0 } });

        var run = await cli.RunAsync("status", "acme");

        Assert.DoesNotContain("\u001b", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_needs_a_login()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("status", "acme");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("[cli.not-logged-in]", run.Err, StringComparison.Ordinal);
    }
}
