using System.Net;
using System.Text.Json;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Commands;

public sealed class LoginTests
{
    private static readonly object Me = new
    {
        id = "u-42",
        email = "alice@example.com",
        roles = new[] { "admin" },
        organizations = new[] { new { id = "org-acme", name = "Acme Apps", role = "owner" } },
        scopes = new[] { "audit:read", "versions:submit" },
    };

    private static CliHarness AcceptingServer()
    {
        var cli = new CliHarness();
        cli.Api.Route("/api/me", request => request.Headers.Authorization?.ToString() == "Bearer " + CliHarness.Token
            ? FakeApi.JsonResponse(Me)
            : FakeApi.Problem(HttpStatusCode.Unauthorized, "auth.invalid-token", "The token is invalid"));
        return cli;
    }

    [Fact]
    public async Task Login_stores_server_and_token_in_config_json()
    {
        using var cli = AcceptingServer();

        var run = await cli.RunAsync("login", "--server", CliHarness.Server, "--token", CliHarness.Token);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        using var config = JsonDocument.Parse(File.ReadAllText(cli.ConfigFile));
        Assert.Equal(CliHarness.Server, config.RootElement.GetProperty("server").GetString());
        Assert.Equal(CliHarness.Token, config.RootElement.GetProperty("token").GetString());
    }

    [Fact]
    public async Task Login_creates_the_config_file_with_mode_0600_and_its_directory_with_mode_0700()
    {
        if (OperatingSystem.IsWindows()) return;
        using var cli = AcceptingServer();

        await cli.RunAsync("login", "--server", CliHarness.Server, "--token", CliHarness.Token);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cli.ConfigDirectory));
    }

    [Fact]
    public async Task Login_makes_an_existing_world_readable_config_file_private()
    {
        if (OperatingSystem.IsWindows()) return;
        using var cli = AcceptingServer();
        Directory.CreateDirectory(cli.ConfigDirectory);
        File.WriteAllText(cli.ConfigFile, "{}");
        File.SetUnixFileMode(cli.ConfigFile, (UnixFileMode)0b110_100_100);

        await cli.RunAsync("login", "--server", CliHarness.Server, "--token", CliHarness.Token);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigFile));
        Assert.Single(Directory.GetFiles(cli.ConfigDirectory));
    }

    [Fact]
    public async Task Login_never_prints_the_token()
    {
        using var cli = AcceptingServer();

        var run = await cli.RunAsync("login", "--server", CliHarness.Server, "--token", CliHarness.Token);

        Assert.DoesNotContain(CliHarness.Token, run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(CliHarness.Token, run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_prints_who_the_token_belongs_to()
    {
        using var cli = AcceptingServer();

        var run = await cli.RunAsync("login", "--server", CliHarness.Server, "--token", CliHarness.Token);

        Assert.Contains("alice@example.com", run.Out, StringComparison.Ordinal);
        Assert.Contains("Acme Apps (owner)", run.Out, StringComparison.Ordinal);
        Assert.Contains("audit:read, versions:submit", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_sends_the_token_as_a_bearer_token_to_api_me()
    {
        using var cli = AcceptingServer();

        await cli.RunAsync("login", "--server", CliHarness.Server + "/", "--token", CliHarness.Token);

        var request = Assert.Single(cli.Api.Requests);
        Assert.Equal(new Uri(CliHarness.Server + "/api/me"), request.Uri);
        Assert.Equal("Bearer " + CliHarness.Token, request.Authorization);
    }

    [Fact]
    public async Task Login_calls_api_me_under_a_server_path_prefix()
    {
        using var cli = new CliHarness();
        cli.Api.Json("/gate/api/me", Me);

        var run = await cli.RunAsync("login", "--server", CliHarness.Server + "/gate", "--token", CliHarness.Token);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("/gate/api/me", Assert.Single(cli.Api.Requests).Uri.AbsolutePath);
    }

    [Fact]
    public async Task Login_reads_the_token_from_stdin_when_it_is_a_dash()
    {
        using var cli = AcceptingServer();
        cli.Stdin = CliHarness.Token + "\n";

        var run = await cli.RunAsync("login", "--server", CliHarness.Server, "--token", "-");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("Bearer " + CliHarness.Token, Assert.Single(cli.Api.Requests).Authorization);
    }

    [Fact]
    public async Task Login_with_an_empty_token_on_stdin_exits_2()
    {
        using var cli = AcceptingServer();

        var run = await cli.RunAsync("login", "--server", CliHarness.Server, "--token", "-");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Empty(cli.Api.Requests);
    }

    [Fact]
    public async Task Login_with_a_refused_token_exits_1_and_writes_nothing()
    {
        using var cli = AcceptingServer();

        var run = await cli.RunAsync("login", "--server", CliHarness.Server, "--token", "ghp_wrong_token");

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        Assert.False(Directory.Exists(cli.ConfigDirectory));
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task Login_with_a_refused_token_shows_the_servers_problem_code_and_title()
    {
        using var cli = AcceptingServer();

        var run = await cli.RunAsync("login", "--server", CliHarness.Server, "--token", "ghp_wrong_token");

        Assert.StartsWith("gatehouse: error: [auth.invalid-token] The token is invalid", run.Err, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_with_a_token_lacking_permission_exits_1()
    {
        using var cli = new CliHarness();
        cli.Api.Route("/api/me", _ => FakeApi.Problem(HttpStatusCode.Forbidden, "auth.token-disabled", "The token is disabled"));

        var run = await cli.RunAsync("login", "--server", CliHarness.Server, "--token", CliHarness.Token);

        Assert.Equal(ExitCodes.GateSaidNo, run.ExitCode);
        Assert.Contains("[auth.token-disabled]", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_to_an_unreachable_server_exits_3_and_writes_nothing()
    {
        using var cli = new CliHarness(new UnreachableHandler());

        var run = await cli.RunAsync("login", "--server", CliHarness.Server, "--token", CliHarness.Token);

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("[cli.server-unreachable]", run.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(cli.ConfigDirectory));
    }

    [Fact]
    public async Task Login_to_a_server_that_fails_exits_3()
    {
        using var cli = new CliHarness();
        cli.Api.Route("/api/me", _ => FakeApi.Problem(HttpStatusCode.InternalServerError, "server.unexpected", "Something broke"));

        var run = await cli.RunAsync("login", "--server", CliHarness.Server, "--token", CliHarness.Token);

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("[server.unexpected] Something broke", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_over_plain_http_to_a_remote_host_warns()
    {
        using var cli = AcceptingServer();

        var run = await cli.RunAsync("login", "--server", "http://gatehouse.test", "--token", CliHarness.Token);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("gatehouse: warning: ", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_login_is_used_by_later_commands()
    {
        using var cli = AcceptingServer();
        cli.Api.ServeAudit(AuditLogBuilder.Chain(3));
        await cli.RunAsync("login", "--server", CliHarness.Server, "--token", CliHarness.Token);

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Equal("Bearer " + CliHarness.Token, cli.Api.Requests[^1].Authorization);
    }

    [Fact]
    public async Task GATEHOUSE_TOKEN_overrides_the_stored_token()
    {
        using var cli = AcceptingServer();
        cli.Api.ServeAudit(AuditLogBuilder.Chain(3));
        await cli.RunAsync("login", "--server", CliHarness.Server, "--token", CliHarness.Token);
        cli.Variables["GATEHOUSE_TOKEN"] = "ghp_from_ci";

        await cli.RunAsync("audit", "verify");

        Assert.Equal("Bearer ghp_from_ci", cli.Api.Requests[^1].Authorization);
    }
}
