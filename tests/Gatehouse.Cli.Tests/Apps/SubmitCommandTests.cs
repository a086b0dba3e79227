using System.Text.Json;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Apps;

public sealed class SubmitCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-submit-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File_(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string[] Args(params string[] extra) =>
    [
        "submit", FakeAppsServer.App, "--version", FakeAppsServer.Version,
        "--artifact", File_("acme-1.2.0.zip", "PK fake archive bytes"),
        "--answers", File_("answers.yaml", "Q-DL-1: yes\nQ-DL-2: \"no\"\n"),
        "--attest", "Jane Doe, CTO", .. extra,
    ];

    private static (CliHarness Cli, FakeAppsServer Server) Start()
    {
        var cli = new CliHarness().LoggedInByEnvironment();
        return (cli, new FakeAppsServer(cli.Api));
    }

    [Fact]
    public async Task Submit_creates_uploads_answers_attests_and_submits_in_that_order()
    {
        var (cli, server) = Start();
        using var _ = cli;

        var run = await cli.RunAsync(Args());

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal(
            ["GET /api/apps/acme", "POST /api/apps/acme/versions", "PUT /api/apps/acme/versions/1.2.0/artifact",
             "PUT /api/apps/acme/versions/1.2.0/answers", "POST /api/apps/acme/versions/1.2.0/attestation", "POST /api/apps/acme/versions/1.2.0/actions"],
            cli.Api.Requests.Select(r => $"{r.Method} {r.Uri.AbsolutePath}"));
        Assert.All(cli.Api.Requests, r => Assert.Equal("Bearer " + CliHarness.Token, r.Authorization));
        Assert.Equal("PK fake archive bytes", server.Bodies["artifact"]);
        Assert.Equal("acme-1.2.0.zip", server.ArtifactName);
        Assert.Contains("submitted: acme 1.2.0 is scanning", run.Out, StringComparison.Ordinal);
        Assert.Empty(run.Err);
    }

    [Fact]
    public async Task Submit_sends_yaml_answers_as_a_json_object()
    {
        var (cli, server) = Start();
        using var _ = cli;

        await cli.RunAsync(Args());

        Assert.Equal("application/json", server.Bodies["answers-content-type"]);
        using var answers = JsonDocument.Parse(server.Bodies["answers"]);
        Assert.Equal("yes", answers.RootElement.GetProperty("Q-DL-1").GetString());
        Assert.Equal("no", answers.RootElement.GetProperty("Q-DL-2").GetString());
    }

    [Fact]
    public async Task Submit_attests_with_the_given_name_and_prints_the_statement()
    {
        var (cli, server) = Start();
        using var _ = cli;

        var run = await cli.RunAsync(Args());

        using var body = JsonDocument.Parse(server.Bodies["attestation"]);
        Assert.Equal("Jane Doe, CTO", body.RootElement.GetProperty("name").GetString());
        Assert.True(body.RootElement.GetProperty("accept").GetBoolean());
        Assert.Contains("I, Jane Doe, CTO, attest on behalf of Acme", run.Out, StringComparison.Ordinal);
        using var action = JsonDocument.Parse(server.Bodies["actions"]);
        Assert.Equal("submit", action.RootElement.GetProperty("action").GetString());
    }

    [Fact]
    public async Task Submit_prints_the_questionnaire_score_and_each_fail_item_with_its_message()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.QuestionnaireScore = "fail";
        server.QuestionnaireItems.Add(new { id = "Q-DL-2", answer = "no", score = "fail", requirement = "GH-SIGN-1", message = "unsigned binaries are not distributed" });

        var run = await cli.RunAsync(Args());

        Assert.Contains("questionnaire:  fail (downloadable v1: 1 info, 0 warn, 1 fail)", run.Out, StringComparison.Ordinal);
        Assert.Contains("fail  Q-DL-2 (GH-SIGN-1): unsigned binaries are not distributed", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Q-DL-1 (", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_guard_failure_lists_every_guard_and_exits_1()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.Guards.Add(new { code = "questionnaire.fail", message = "the questionnaire has answers that fail" });
        server.Guards.Add(new { code = "agreement.not-accepted", message = "accept version 2 of the developer agreement first" });

        var run = await cli.RunAsync(Args());

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        Assert.Contains("not submitted: 2 guard(s) did not hold:", run.Out, StringComparison.Ordinal);
        Assert.Contains("  [questionnaire.fail] the questionnaire has answers that fail\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("  [agreement.not-accepted] accept version 2 of the developer agreement first\n", run.Out, StringComparison.Ordinal);
        Assert.Contains("[lifecycle.guard-failed]", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_guard_failure_in_json_lists_the_guards()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.Guards.Add(new { code = "attestation.missing", message = "a named person must attest" });

        var run = await cli.RunAsync(Args("--format", "json"));

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal("attestation.missing", doc.RootElement.GetProperty("guards")[0].GetProperty("code").GetString());
        Assert.False(doc.RootElement.TryGetProperty("submitted", out var __));
    }

    [Fact]
    public async Task Json_output_is_one_document_with_the_servers_answers()
    {
        var (cli, _) = Start();
        using var __ = cli;

        var run = await cli.RunAsync(Args("--format", "json"));

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        var root = doc.RootElement;
        Assert.Equal("acme", root.GetProperty("app").GetProperty("slug").GetString());
        Assert.True(root.GetProperty("created").GetBoolean());
        Assert.Equal("info", root.GetProperty("questionnaire").GetProperty("score").GetString());
        Assert.Equal(new string('a', 64), root.GetProperty("attestation").GetProperty("sha256").GetString());
        Assert.Equal("scanning", root.GetProperty("submitted").GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("draft")]
    [InlineData("changes-requested")]
    public async Task An_existing_version_that_can_still_change_is_continued(string state)
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.VersionExists = true;
        server.ExistingState = state;

        var run = await cli.RunAsync(Args());

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains($"version 1.2.0: exists ({state}), continuing", run.Out, StringComparison.Ordinal);
        Assert.True(server.Submitted);
    }

    [Fact]
    public async Task An_existing_version_under_review_is_not_submitted_again()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.VersionExists = true;
        server.ExistingState = "in-review";

        var run = await cli.RunAsync(Args());

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        Assert.Contains("[lifecycle.invalid-transition] version 1.2.0 exists and is in-review", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(cli.Api.Requests, r => r.Uri.AbsolutePath.EndsWith("/artifact", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_progress_goes_to_stderr_only_when_it_is_a_terminal()
    {
        var (cli, _) = Start();
        using var __ = cli;

        var quiet = await cli.RunAsync(Args());
        var (cli2, _) = Start();
        using var ___ = cli2;
        cli2.ErrorIsTerminal = true;
        var shown = await cli2.RunAsync(Args());

        Assert.Empty(quiet.Err);
        Assert.Contains("uploading acme-1.2.0.zip: 21 B / 21 B (100%)", shown.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("uploading", shown.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_exits_0_when_the_version_reaches_review_with_a_pass()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.StateAfterSubmit = "in-review";
        server.Scan = () => FakeAppsServer.ScanResult("pass", "pass");

        var run = await cli.RunAsync(Args("--wait"));

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("acme 1.2.0: in-review", run.Out, StringComparison.Ordinal);
        Assert.Contains("verdict pass, after suppressions pass", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_exits_1_when_the_effective_verdict_is_reject()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.StateAfterSubmit = "in-review";
        server.Scan = () => FakeAppsServer.ScanResult("reject", "reject", "secret.github-pat");

        var run = await cli.RunAsync(Args("--wait"));

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        Assert.Contains("blocking:       secret.github-pat", run.Out, StringComparison.Ordinal);
        Assert.Contains("scan verdict is reject", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_exits_0_when_suppressions_turn_a_reject_into_a_pass()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.StateAfterSubmit = "in-review";
        server.Scan = () => FakeAppsServer.ScanResult("reject", "pass");

        var run = await cli.RunAsync(Args("--wait"));

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
    }

    [Fact]
    public async Task Wait_exits_3_when_the_scan_was_incomplete_and_is_retried_later()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.StateAfterSubmit = "scanning";
        server.NextScanAttemptAt = DateTimeOffset.Parse("2026-11-29T17:06:00Z", System.Globalization.CultureInfo.InvariantCulture);
        server.Scan = () => FakeAppsServer.ScanResult("incomplete", "incomplete");

        var run = await cli.RunAsync(Args("--wait"));

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("the scan was incomplete; retry 1 is due 2026-11-29 17:06Z", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_gives_up_with_exit_3_at_the_timeout()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.StateAfterSubmit = "scanning";

        var run = await cli.RunAsync(Args("--wait", "--timeout", "1"));

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("[cli.wait-timeout]", run.Err, StringComparison.Ordinal);
        Assert.Contains("acme 1.2.0: scanning", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_attest_is_a_usage_error_and_nothing_is_sent()
    {
        var (cli, _) = Start();
        using var __ = cli;

        var run = await cli.RunAsync("submit", "acme", "--version", "1.2.0", "--answers", File_("a.yaml", "Q-DL-1: yes\n"));

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--attest", run.Err, StringComparison.Ordinal);
        Assert.Empty(cli.Api.Requests);
    }

    [Theory]
    [InlineData("--version", "1 2")]
    [InlineData("--version", "-rc1")]
    [InlineData("--attest", " ")]
    [InlineData("--reference", "http://acme.example")]
    [InlineData("--format", "sarif")]
    [InlineData("--timeout", "0")]
    public async Task A_malformed_option_is_a_usage_error_and_nothing_is_sent(string option, string value)
    {
        var (cli, _) = Start();
        using var __ = cli;
        var args = Args().ToList();
        var i = args.IndexOf(option);
        if (i >= 0) args[i + 1] = value;
        else args.AddRange(option == "--timeout" ? ["--wait", option, value] : [option, value]);

        var run = await cli.RunAsync([.. args]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("gatehouse: error: ", run.Err, StringComparison.Ordinal);
        Assert.Empty(cli.Api.Requests);
    }

    [Fact]
    public async Task Timeout_without_wait_is_a_usage_error()
    {
        var (cli, _) = Start();
        using var __ = cli;

        var run = await cli.RunAsync(Args("--timeout", "30"));

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--timeout is only used with --wait", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_artifact_file_is_a_usage_error_and_nothing_is_sent()
    {
        var (cli, _) = Start();
        using var __ = cli;
        var args = Args().ToList();
        args[args.IndexOf("--artifact") + 1] = Path.Combine(_dir, "nope.zip");

        var run = await cli.RunAsync([.. args]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("[cli.invalid-argument] --artifact", run.Err, StringComparison.Ordinal);
        Assert.Empty(cli.Api.Requests);
    }

    [Theory]
    [InlineData("Q-DL-1: [yes, no]\n")]
    [InlineData("{\"Q-DL-1\": {\"nested\": true}}")]
    [InlineData("Q-DL-1: yes\nQ-DL-1: no\n")]
    public async Task A_malformed_answers_file_is_a_usage_error_and_nothing_is_sent(string answers)
    {
        var (cli, _) = Start();
        using var __ = cli;
        var args = Args().ToList();
        args[args.IndexOf("--answers") + 1] = File_("bad.yaml", answers);

        var run = await cli.RunAsync([.. args]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("[cli.invalid-argument] --answers bad.yaml:", run.Err, StringComparison.Ordinal);
        Assert.Empty(cli.Api.Requests);
    }

    [Fact]
    public async Task Help_says_a_named_person_must_attest()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("submit", "--help");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("a named person must attest", run.Out, StringComparison.Ordinal);
    }
}
