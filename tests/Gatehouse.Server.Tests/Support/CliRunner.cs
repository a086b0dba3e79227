using Gatehouse.Cli;

namespace Gatehouse.Server.Tests.Support;

/// <summary>Runs the real <c>gatehouse</c> CLI in-process against a test server.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Err);

    public static async Task<Result> RunAsync(GatehouseApp app, string? token, params string[] args)
    {
        var config = Directory.CreateTempSubdirectory("gatehouse-cli-").FullName;
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var handler = app.Server.CreateHandler();
            var vars = new Dictionary<string, string> { ["GATEHOUSE_SERVER"] = app.Server.BaseAddress.ToString().TrimEnd('/') };
            if (token is not null) vars["GATEHOUSE_TOKEN"] = token;
            var env = new CliEnvironment
            {
                Out = output, Err = error, ConfigDirectory = config,
                HttpHandlerFactory = () => handler, Variables = vars,
            };
            var code = await CliApp.RunAsync(args, env);
            return new Result(code, output.ToString(), error.ToString());
        }
        finally
        {
            Directory.Delete(config, recursive: true);
        }
    }
}
