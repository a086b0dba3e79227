using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Cli.Commands;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Download;

public sealed class DownloadCommandTests
{
    private static (CliHarness Cli, FakeDownloadServer Server) Start(int size = 300_000)
    {
        var cli = new CliHarness().LoggedInByEnvironment();
        return (cli, new FakeDownloadServer(cli.Api, size));
    }

    private static Task<CliRun> Download(CliHarness cli, params string[] more) =>
        cli.RunAsync(["download", FakeDownloadServer.App, "--version", FakeDownloadServer.Version, .. more]);

    private static string[] Entries(string dir) => [.. Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [Fact]
    public async Task The_file_is_saved_under_the_servers_name_and_its_digest_verified()
    {
        var (cli, server) = Start();
        using var _ = cli;

        var run = await Download(cli, "--format", "json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Err);
        var path = Path.Combine(cli.WorkingDirectory, "acme-sync-1.2.0.zip");
        Assert.Equal(server.Content, await File.ReadAllBytesAsync(path));
        Assert.Equal(["acme-sync-1.2.0.zip"], Entries(cli.WorkingDirectory));
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(path, doc.RootElement.GetProperty("path").GetString());
        Assert.Equal(server.Digest, doc.RootElement.GetProperty("digest").GetString());
        Assert.Equal(server.Content.Length, doc.RootElement.GetProperty("size").GetInt64());
        Assert.True(doc.RootElement.GetProperty("verified").GetBoolean());

        // The token goes to the API only; the signed URL is a bearer URL and is fetched without it.
        var issue = Assert.Single(cli.Api.Requests, r => r.Uri.AbsolutePath == FakeDownloadServer.IssuePath);
        Assert.Equal("POST", issue.Method);
        Assert.Equal("Bearer " + CliHarness.Token, issue.Authorization);
        var fetch = Assert.Single(cli.Api.Requests, r => r.Uri.AbsolutePath.StartsWith("/dl/", StringComparison.Ordinal));
        Assert.Equal("files.gatehouse.test", fetch.Uri.Host);
        Assert.Null(fetch.Authorization);
        Assert.Null(Assert.Single(server.FileRequests).Range);
        Assert.DoesNotContain("sig=", run.Out + run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Table_output_names_the_path_and_the_verified_digest_and_tenant_goes_to_the_server()
    {
        var (cli, server) = Start();
        using var _ = cli;
        var tenant = Guid.NewGuid();

        var run = await Download(cli, "--tenant", tenant.ToString());

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Err);
        Assert.Contains("acme 1.2.0: saved " + Path.Combine(cli.WorkingDirectory, "acme-sync-1.2.0.zip"), run.Out, StringComparison.Ordinal);
        Assert.Contains(server.Digest + " verified (matches the digest the server announced and its ETag)", run.Out, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(Assert.Single(server.IssueBodies));
        Assert.Equal(tenant, body.RootElement.GetProperty("tenantId").GetGuid());
    }

    [Fact]
    public async Task Output_into_an_existing_directory_uses_the_servers_name_there()
    {
        var (cli, server) = Start();
        using var _ = cli;
        var dir = Directory.CreateDirectory(Path.Combine(cli.WorkingDirectory, "dist")).FullName;

        var run = await Download(cli, "--output", "dist");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Err);
        Assert.Equal(server.Content, await File.ReadAllBytesAsync(Path.Combine(dir, "acme-sync-1.2.0.zip")));
    }

    [Fact]
    public async Task Bytes_that_are_not_the_announced_digest_exit_4_and_leave_no_file()
    {
        var (cli, server) = Start();
        using var _ = cli;
        var tampered = (byte[])server.Content.Clone();
        tampered[^1] ^= 0xff;
        server.Served = tampered; // same length, same ETag: only the hash can tell

        var run = await Download(cli, "--output", "app.zip");

        Assert.Equal(ExitCodes.DigestMismatch, run.ExitCode);
        Assert.Contains("[cli.digest-mismatch]", run.Err, StringComparison.Ordinal);
        Assert.Contains("but the server announced " + server.Digest, run.Err, StringComparison.Ordinal);
        Assert.Empty(Entries(cli.WorkingDirectory));
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task An_etag_other_than_the_announced_digest_exits_4_before_the_body_is_read()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.ETag = () => "\"sha256:" + new string('0', 64) + "\"";

        var run = await Download(cli);

        Assert.Equal(ExitCodes.DigestMismatch, run.ExitCode);
        Assert.Contains("ETag", run.Err, StringComparison.Ordinal);
        Assert.Empty(Entries(cli.WorkingDirectory));
    }

    [Fact]
    public async Task A_body_longer_than_announced_is_cut_off_and_exits_4()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.Served = [.. server.Content, .. new byte[4096]];
        server.BreakAfter = int.MaxValue; // streamed without a Content-Length, as a hostile server would

        var run = await Download(cli);

        Assert.Equal(ExitCodes.DigestMismatch, run.ExitCode);
        Assert.Contains("more than the", run.Err, StringComparison.Ordinal);
        Assert.Empty(Entries(cli.WorkingDirectory));
    }

    [Fact]
    public async Task A_version_that_is_not_published_exits_1_with_the_reason()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.IssueOverride = () => FakeDownloadServer.Gone("quarantined", "The version is quarantined.");

        var run = await Download(cli);

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        Assert.Contains("gatehouse: error: [download.unavailable] This version is not available for download: The version is quarantined. (HTTP 410",
            run.Err, StringComparison.Ordinal);
        Assert.Empty(server.FileRequests);
        Assert.Empty(Entries(cli.WorkingDirectory));
    }

    [Fact]
    public async Task A_url_that_turns_unavailable_before_it_is_fetched_exits_1()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.ServeOverride = _ => FakeDownloadServer.Gone("suspended", "The version is suspended.");

        var run = await Download(cli);

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        Assert.Contains("[download.unavailable]", run.Err, StringComparison.Ordinal);
        Assert.Contains("The version is suspended.", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", run.Err, StringComparison.Ordinal);
        Assert.Empty(Entries(cli.WorkingDirectory));
    }

    [Fact]
    public async Task A_refused_link_exits_3()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.ServeOverride = _ => FakeApi.Problem(HttpStatusCode.Forbidden, "download.url-invalid", "This download link is not valid");

        var run = await Download(cli);

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("[download.url-invalid]", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_entitled_exits_1()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.IssueOverride = () => FakeApi.Problem(HttpStatusCode.Forbidden, "forbidden", "the tenant is not entitled to this app (install it first)");

        var run = await Download(cli, "--tenant", Guid.NewGuid().ToString());

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        Assert.Contains("not entitled", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_existing_output_is_refused_without_force_before_the_server_is_asked()
    {
        var (cli, server) = Start();
        using var _ = cli;
        var path = Path.Combine(cli.WorkingDirectory, "app.zip");
        await File.WriteAllTextAsync(path, "mine");

        var run = await Download(cli, "--output", "app.zip");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("[cli.output-exists]", run.Err, StringComparison.Ordinal);
        Assert.Equal("mine", await File.ReadAllTextAsync(path));
        Assert.Empty(cli.Api.Requests);

        var forced = await Download(cli, "--output", "app.zip", "--force");
        Assert.True(forced.ExitCode == ExitCodes.Ok, forced.Err);
        Assert.Equal(server.Content, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task An_existing_file_of_the_servers_name_is_refused_without_force()
    {
        var (cli, server) = Start();
        using var _ = cli;
        var path = Path.Combine(cli.WorkingDirectory, server.FileName);
        await File.WriteAllTextAsync(path, "mine");

        var run = await Download(cli);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--force", run.Err, StringComparison.Ordinal);
        Assert.Equal("mine", await File.ReadAllTextAsync(path));
        Assert.Empty(server.FileRequests);
    }

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\windows\\win.ini", "win.ini")]
    [InlineData("/etc/cron.d/evil", "evil")]
    [InlineData("dist/../../../app.zip", "app.zip")]
    public async Task Only_the_last_segment_of_a_hostile_file_name_is_used(string hostile, string expected)
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.FileName = hostile;
        var parent = Directory.GetParent(cli.WorkingDirectory)!.FullName;
        var before = Entries(parent);

        var run = await Download(cli);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Err);
        Assert.Equal([expected], Entries(cli.WorkingDirectory));
        Assert.Equal(before, Entries(parent));
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("dist/..")]
    [InlineData("../")]
    [InlineData("/")]
    [InlineData("evil\u001b[2J.zip")]
    public async Task A_file_name_that_is_not_a_plain_name_is_refused(string hostile)
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.FileName = hostile;
        var parent = Directory.GetParent(cli.WorkingDirectory)!.FullName;
        var before = Entries(parent);

        var run = await Download(cli);

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("[cli.bad-response]", run.Err, StringComparison.Ordinal);
        Assert.Contains("--output", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', run.Err);
        Assert.Empty(server.FileRequests);
        Assert.Empty(Entries(cli.WorkingDirectory));
        Assert.Equal(before, Entries(parent));
    }

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("a/b\\c.zip", "c.zip")]
    [InlineData("..", null)]
    [InlineData("...", null)]
    [InlineData("a:b", null)]
    [InlineData("x\0y", null)]
    [InlineData(null, null)]
    public void Safe_file_names(string? given, string? expected) =>
        Assert.Equal(expected, DownloadTarget.SafeFileName(given));

    [Fact]
    public async Task An_interrupted_download_keeps_its_part_and_resume_continues_it_with_a_conditional_range()
    {
        var (cli, server) = Start();
        using var _ = cli;
        server.BreakAfter = 120_000;

        var broken = await Download(cli);

        Assert.Equal(ExitCodes.Incomplete, broken.ExitCode);
        Assert.Contains("[cli.download-interrupted]", broken.Err, StringComparison.Ordinal);
        Assert.Contains("--resume", broken.Err, StringComparison.Ordinal);
        var part = Path.Combine(cli.WorkingDirectory, "acme-sync-1.2.0.zip.part");
        Assert.Equal(server.Content.AsSpan(0, 120_000).ToArray(), await File.ReadAllBytesAsync(part));
        Assert.False(File.Exists(Path.Combine(cli.WorkingDirectory, "acme-sync-1.2.0.zip")));

        server.BreakAfter = null;
        var resumed = await Download(cli, "--resume", "--format", "json");

        Assert.True(resumed.ExitCode == ExitCodes.Ok, resumed.Err);
        Assert.Equal(server.Content, await File.ReadAllBytesAsync(Path.Combine(cli.WorkingDirectory, "acme-sync-1.2.0.zip")));
        Assert.False(File.Exists(part));
        var (range, ifRange, auth, status) = server.FileRequests[^1];
        Assert.Equal(120_000, range!.Ranges.Single().From);
        Assert.Null(range.Ranges.Single().To);
        Assert.Equal("\"" + server.Digest + "\"", ifRange);
        Assert.Null(auth);
        Assert.Equal(206, status);
    }

    [Fact]
    public async Task A_part_that_is_not_this_file_is_detected_and_downloaded_again_from_the_start()
    {
        var (cli, server) = Start();
        using var _ = cli;
        var part = Path.Combine(cli.WorkingDirectory, "acme-sync-1.2.0.zip.part");
        await File.WriteAllBytesAsync(part, RandomNumberGenerator.GetBytes(50_000)); // an older download of the same name

        var run = await Download(cli, "--resume");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Err);
        Assert.Contains("did not belong to this file", run.Err, StringComparison.Ordinal);
        Assert.Equal(server.Content, await File.ReadAllBytesAsync(Path.Combine(cli.WorkingDirectory, "acme-sync-1.2.0.zip")));
        Assert.Equal([206, 200], server.FileRequests.Select(r => r.Status));
        Assert.Null(server.FileRequests[1].Range);
    }

    [Fact]
    public async Task When_the_file_changed_the_server_ignores_the_range_and_the_whole_file_is_taken()
    {
        var (cli, server) = Start();
        using var _ = cli;
        var part = Path.Combine(cli.WorkingDirectory, "acme-sync-1.2.0.zip.part");
        await File.WriteAllBytesAsync(part, server.Content.AsSpan(0, 1000).ToArray());
        // If-Range does not hold (another ETag on the server's side): it answers 200 with everything.
        server.ServeOverride = _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(server.Content) };

        var run = await Download(cli, "--resume");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Err);
        Assert.Equal(server.Content, await File.ReadAllBytesAsync(Path.Combine(cli.WorkingDirectory, "acme-sync-1.2.0.zip")));
    }

    [Fact]
    public async Task Without_resume_an_old_part_is_started_again()
    {
        var (cli, server) = Start();
        using var _ = cli;
        await File.WriteAllBytesAsync(Path.Combine(cli.WorkingDirectory, "acme-sync-1.2.0.zip.part"), new byte[10]);

        var run = await Download(cli);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Err);
        Assert.Contains("starting again", run.Err, StringComparison.Ordinal);
        Assert.Null(Assert.Single(server.FileRequests).Range);
        Assert.Equal(["acme-sync-1.2.0.zip"], Entries(cli.WorkingDirectory));
    }

    [Fact]
    public async Task Progress_is_shown_on_a_terminal_and_cleared()
    {
        var (cli, _) = Start(size: 3_000_000);
        using var __ = cli;
        cli.ErrorIsTerminal = true;

        var run = await Download(cli);

        Assert.True(run.ExitCode == ExitCodes.Ok, run.Err);
        Assert.Contains("downloading acme-sync-1.2.0.zip: ", run.Err, StringComparison.Ordinal);
        Assert.Contains("(100%)", run.Err, StringComparison.Ordinal);
        Assert.EndsWith("\r", run.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--tenant", "acme-corp")]
    [InlineData("--version", "../1")]
    public async Task Malformed_options_are_usage_errors(string option, string value)
    {
        var cli = new CliHarness().LoggedInByEnvironment();
        using var _ = cli;

        var run = await cli.RunAsync(option == "--version"
            ? ["download", "acme", "--version", value]
            : ["download", "acme", "--version", "1.0", option, value]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(cli.Api.Requests);
    }

    [Fact]
    public async Task Version_is_required()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();

        var run = await cli.RunAsync("download", "acme");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }
}
