using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;

namespace Gatehouse.Server.Tests.Apps;

/// <summary>
/// <c>gatehouse submit</c> and <c>gatehouse status</c> end to end: the real CLI against the real server, which
/// scans the uploaded artifact with the real engines (clamd from <c>GATEHOUSE_TEST_CLAMD</c>).
/// </summary>
public sealed class CliSubmitTests(SharedServers servers) : IClassFixture<SharedServers>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-cli-submit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Dictionary<string, string?> Engines() => new()
    {
        ["Scanning:ClamdEndpoint"] = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_CLAMD")
            ?? throw new InvalidOperationException("GATEHOUSE_TEST_CLAMD is not set; ./test.sh starts clamd and sets it."),
    };

    private sealed record Vendor(GatehouseApp App, string Token, string Slug);

    /// <summary>A developer with a token, an organisation, and a downloadable app registered through the API.</summary>
    private static async Task<Vendor> RegisterAppAsync(GatehouseApp app)
    {
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        using var client = app.ClientWith(token);
        var slug = "cli-app-" + Guid.NewGuid().ToString("N")[..8];
        var created = await client.PostAsJsonAsync($"/api/orgs/{org.Id}/apps", new { slug, name = "CLI App", type = "downloadable", tier = "standard" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return new Vendor(app, token, slug);
    }

    /// <summary>A harmless zip: nothing for any rule to find.</summary>
    private string CleanArtifact()
    {
        var path = Path.Combine(_dir, "cli-app-1.0.0.zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var w = new StreamWriter(zip.CreateEntry("README.md").Open())) w.Write("# CLI app\nA harmless demo.\n");
        using (var w = new StreamWriter(zip.CreateEntry("docs/usage.txt").Open())) w.Write("Run it and read the output.\n");
        return path;
    }

    /// <summary>
    /// Every question of the downloadable questionnaire answered with its first option that scores info (text: a
    /// sentence), as YAML; <paramref name="override"/> replaces one answer.
    /// </summary>
    /// <summary>The vendor's own CycloneDX SBOM of the clean artifact (one library it says it ships).</summary>
    private string VendorSbom()
    {
        var path = Path.Combine(_dir, "cli-app.cdx.json");
        File.WriteAllText(path, """
            {"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
             "components":[{"type":"library","name":"left-pad","version":"1.3.0","purl":"pkg:npm/left-pad@1.3.0"}]}
            """);
        return path;
    }

    private string Answers((string Id, string Answer)? @override = null)
    {
        var sb = new StringBuilder("# answers for gatehouse submit\n");
        foreach (var item in QuestionnaireSet.LoadEmbedded().Get("downloadable").Items)
        {
            var answer = item.Kind == QuestionKind.Text
                ? "Every release is built in CI from a tagged commit and scanned before upload."
                : item.Options.First(o => o.Score == QuestionScore.Info).Value;
            if (@override is { } o && o.Id == item.Id) answer = o.Answer;
            sb.Append(item.Id).Append(": \"").Append(answer).Append("\"\n");
        }
        var path = Path.Combine(_dir, "answers.yaml");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static async Task<JsonElement> VersionAsync(Vendor v, string version)
    {
        using var client = v.App.ClientWith(v.Token);
        return await client.GetFromJsonAsync<JsonElement>($"/api/apps/{v.Slug}/versions/{version}");
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Submit_creates_uploads_answers_attests_and_submits_and_status_shows_the_version(DbKind db)
    {
        var app = await servers.For(db, Engines());
        var vendor = await RegisterAppAsync(app);

        var submit = await CliRunner.RunAsync(app, vendor.Token, "submit", vendor.Slug, "--version", "1.0.0",
            "--artifact", CleanArtifact(), "--sbom", VendorSbom(), "--answers", Answers(), "--attest", "Jane Doe, CTO");

        Assert.True(submit.ExitCode == 0, $"exit {submit.ExitCode}\n{submit.Out}\n{submit.Err}");
        Assert.Contains("version 1.0.0: created (draft)", submit.Out, StringComparison.Ordinal);
        Assert.Contains("artifact: uploaded cli-app-1.0.0.zip", submit.Out, StringComparison.Ordinal);
        Assert.Matches(@"sbom: uploaded cli-app\.cdx\.json, CycloneDX 1\.6, 1 packages, sha256:[0-9a-f]{64}\n", submit.Out);
        Assert.Contains("questionnaire:  info (downloadable v", submit.Out, StringComparison.Ordinal);
        Assert.Contains("attestation by Jane Doe, CTO", submit.Out, StringComparison.Ordinal);
        Assert.Contains("I, Jane Doe, CTO, attest on behalf of", submit.Out, StringComparison.Ordinal);
        Assert.Matches(@"submitted: cli-app-\w+ 1\.0\.0 is (scanning|in-review)\n", submit.Out);
        Assert.Empty(submit.Err); // no terminal: no progress lines

        var detail = await VersionAsync(vendor, "1.0.0");
        var state = detail.GetProperty("version").GetProperty("state").GetString();
        Assert.Contains(state, new[] { "scanning", "in-review" });
        Assert.Equal("cli-app-1.0.0.zip", detail.GetProperty("version").GetProperty("artifactName").GetString());
        Assert.Equal("Jane Doe, CTO", detail.GetProperty("version").GetProperty("attestationName").GetString());
        Assert.Equal("info", detail.GetProperty("version").GetProperty("questionnaireResult").GetString());

        var list = await CliRunner.RunAsync(app, vendor.Token, "status", vendor.Slug);
        Assert.Equal(0, list.ExitCode);
        Assert.Matches(@"^VERSION\s+STATE\s+VERDICT\s+SUBMITTED\s+SLA DUE\n1\.0\.0\s+(scanning|in-review)\s+\S+\s+\d{4}-\d\d-\d\d \d\d:\d\dZ\s+\d{4}-", list.Out);

        var one = await CliRunner.RunAsync(app, vendor.Token, "status", vendor.Slug, "--version", "1.0.0");
        Assert.Equal(0, one.ExitCode);
        Assert.Matches($@"^{vendor.Slug} 1\.0\.0: (scanning|in-review|submitted)\n", one.Out);
        Assert.Contains("artifact:       cli-app-1.0.0.zip", one.Out, StringComparison.Ordinal);
        Assert.Contains("attestation:    Jane Doe, CTO", one.Out, StringComparison.Ordinal);
        Assert.Contains("last transitions:", one.Out, StringComparison.Ordinal);
        Assert.Contains("draft → submitted  submit by", one.Out, StringComparison.Ordinal);
        Assert.Contains("submitted → scanning  ", one.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_with_wait_follows_the_scan_to_review_and_exits_0_for_a_clean_artifact()
    {
        var app = await servers.For(DbKind.Sqlite, Engines());
        var vendor = await RegisterAppAsync(app);

        var run = await CliRunner.RunAsync(app, vendor.Token, "submit", vendor.Slug, "--version", "2.0.0", "--artifact", CleanArtifact(),
            "--answers", Answers(), "--attest", "Jane Doe, CTO", "--wait", "--timeout", "120");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Out}\n{run.Err}");
        Assert.Contains($"{vendor.Slug} 2.0.0: in-review", run.Out, StringComparison.Ordinal);
        Assert.Matches(@"scan:           done, verdict (pass|review), after suppressions (pass|review)", run.Out);
        Assert.Contains("scanning → in-review", run.Out, StringComparison.Ordinal);
        Assert.Equal("in-review", (await VersionAsync(vendor, "2.0.0")).GetProperty("version").GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_fail_answer_blocks_the_submission_with_exit_1_and_the_guard_listed()
    {
        var app = await servers.For(DbKind.Sqlite, Engines());
        var vendor = await RegisterAppAsync(app);
        var failing = QuestionnaireSet.LoadEmbedded().Get("downloadable").Items
            .Select(i => (i.Id, Option: i.Options.FirstOrDefault(o => o.Score == QuestionScore.Fail)))
            .First(x => x.Option is not null);

        var run = await CliRunner.RunAsync(app, vendor.Token, "submit", vendor.Slug, "--version", "1.0.0", "--artifact", CleanArtifact(),
            "--answers", Answers((failing.Id, failing.Option!.Value)), "--attest", "Jane Doe, CTO");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"fail  {failing.Id} (", run.Out, StringComparison.Ordinal);
        Assert.Contains("not submitted: 1 guard(s) did not hold:", run.Out, StringComparison.Ordinal);
        Assert.Contains("  [questionnaire.fail] ", run.Out, StringComparison.Ordinal);
        Assert.Contains("[lifecycle.guard-failed]", run.Err, StringComparison.Ordinal);
        Assert.Equal("draft", (await VersionAsync(vendor, "1.0.0")).GetProperty("version").GetProperty("state").GetString());

        // Fixed answers: the same command continues the existing draft and submits it.
        var again = await CliRunner.RunAsync(app, vendor.Token, "submit", vendor.Slug, "--version", "1.0.0",
            "--answers", Answers(), "--attest", "Jane Doe, CTO");
        Assert.True(again.ExitCode == 0, $"exit {again.ExitCode}\n{again.Out}\n{again.Err}");
        Assert.Contains("version 1.0.0: exists (draft), continuing", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_json_is_the_servers_json()
    {
        var app = await servers.For(DbKind.Sqlite, Engines());
        var vendor = await RegisterAppAsync(app);
        await CliRunner.RunAsync(app, vendor.Token, "submit", vendor.Slug, "--version", "1.0.0", "--artifact", CleanArtifact(),
            "--answers", Answers(), "--attest", "Jane Doe, CTO");
        using var client = app.ClientWith(vendor.Token);
        var server = await client.GetFromJsonAsync<JsonElement>($"/api/apps/{vendor.Slug}/versions");

        var run = await CliRunner.RunAsync(app, vendor.Token, "status", vendor.Slug, "--format", "json");

        Assert.Equal(0, run.ExitCode);
        var cli = JsonDocument.Parse(run.Out).RootElement;
        Assert.Equal(server.GetArrayLength(), cli.GetArrayLength());
        Assert.Equal(server[0].GetProperty("id").GetString(), cli[0].GetProperty("id").GetString());
        Assert.Equal(server[0].GetProperty("artifactDigest").GetString(), cli[0].GetProperty("artifactDigest").GetString());
    }
}
