using System.CommandLine;
using Gatehouse.Cli.Config;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary><c>gatehouse version</c>: the CLI version and, when a server is configured, the server's.</summary>
internal static class VersionCommand
{
    public static Command Create(CliEnvironment env)
    {
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("version", "Show the CLI version and the configured server's version.") { format };
        command.SetAction(CliApp.Guard(env, (pr, ct) => RunAsync(env, pr.GetValue(format), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, OutputFormat format, CancellationToken ct)
    {
        var config = ConfigStore.Load(env);
        string? serverVersion = null;
        string? serverProblem = null;
        if (config is not null)
        {
            try
            {
                using var api = new GatehouseApi(env, config.Server, config.Token, config.CaCert);
                var info = await api.GetJsonAsync<ServerVersionResponse>("api/version", ct);
                serverVersion = info.Version;
            }
            catch (CliException ex)
            {
                // An unreachable or failing server is information here, not a failure of `version`.
                var reason = ex.Code is null ? ex.Message : $"[{ex.Code}] {ex.Message}";
                serverProblem = ex.Code == CliErrorCodes.Unreachable ? $"unreachable ({reason})" : $"error ({reason})";
            }
        }

        if (format == OutputFormat.Json)
        {
            CliJson.Write(env.Out, new VersionReport(CliVersion.Value, serverVersion));
            return ExitCodes.Ok;
        }

        env.Out.Write($"cli:    {CliVersion.Value}\n");
        var server = config is null
            ? "not configured (run 'gatehouse login')"
            : serverVersion is not null
                ? $"{Terminal.Sanitize(serverVersion)} ({ServerUrl.Display(config.Server)})"
                : Terminal.Sanitize(serverProblem);
        env.Out.Write($"server: {server}\n");
        return ExitCodes.Ok;
    }

    /// <summary>The body of <c>GET /api/version</c>.</summary>
    internal sealed record ServerVersionResponse(string Version, string? Name = null);

    /// <summary>The <c>--format json</c> output.</summary>
    internal sealed record VersionReport(string Cli, string? Server);
}
