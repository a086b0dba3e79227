using System.Net;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Commands;

/// <summary><c>gatehouse keys</c> against a fake server (the real one: tests/Gatehouse.Server.Tests/Signing/PlatformKeysTests.cs).</summary>
public sealed class KeysCommandTests
{
    static object Key(string kid, string status, string? retiredAt = null) => new
    {
        kid, status, algorithm = "ES256", provider = "software", createdAt = "2026-03-01T10:00:00+00:00", createdBy = "admin",
        supersededAt = status == "active" ? null : "2026-03-02T10:00:00+00:00", retiredAt, retiredBy = retiredAt is null ? null : "admin",
        openPgpFingerprint = new string('A', 40), pemUrl = $"/.well-known/gatehouse/keys/{kid}.pem",
    };

    [Fact]
    public async Task List_prints_a_table_and_a_hint_when_there_is_no_key()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.Json("/api/signing/keys", Array.Empty<object>());
        var empty = await cli.RunAsync("keys", "list");
        Assert.Equal(ExitCodes.Ok, empty.ExitCode);
        Assert.Contains("no signing key yet", empty.Out, StringComparison.Ordinal);

        cli.Api.Json("/api/signing/keys", new[] { Key("new-kid", "active"), Key("old-kid", "retired", "2026-03-05T08:09:10+00:00") });
        var run = await cli.RunAsync("keys", "list");
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Matches(@"new-kid\s+active\s+2026-03-01 10:00:00Z\s+-\s+-\s+A{40}", run.Out);
        Assert.Matches(@"old-kid\s+retired\s+2026-03-01 10:00:00Z\s+2026-03-02 10:00:00Z\s+2026-03-05 08:09:10Z", run.Out);
    }

    [Fact]
    public async Task Rotate_names_the_new_and_superseded_keys_and_retire_reports_the_servers_refusal()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.Json("/api/signing/keys", new { key = Key("new-kid", "active"), superseded = new[] { "old-kid" } }, HttpStatusCode.Created);
        var rotated = await cli.RunAsync("keys", "rotate");
        Assert.Equal(ExitCodes.Ok, rotated.ExitCode);
        Assert.Contains("new active signing key new-kid", rotated.Out, StringComparison.Ordinal);
        Assert.Contains("superseded old-kid: still published; retire it with 'gatehouse keys retire old-kid'", rotated.Out, StringComparison.Ordinal);
        Assert.Equal("POST", cli.Api.Requests[^1].Method);

        cli.Api.Route("/api/signing/keys/new-kid/retire", _ => FakeApi.Problem(HttpStatusCode.Conflict, "request.conflict", "Conflict"));
        var refused = await cli.RunAsync("keys", "retire", "new-kid");
        Assert.Equal(ExitCodes.Incomplete, refused.ExitCode);
        Assert.Contains("[request.conflict]", refused.Err, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, (await cli.RunAsync("keys", "retire")).ExitCode);
    }
}
