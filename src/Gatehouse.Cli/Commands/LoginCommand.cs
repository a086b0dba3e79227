using System.CommandLine;
using Gatehouse.Cli.Config;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse login --server URL --token T</c>: checks the token against <c>GET /api/me</c> and, only if
/// the server accepts it, stores server and token in <c>config.json</c> (mode 0600). The token is never printed.
/// </summary>
internal static class LoginCommand
{
    public static Command Create(CliEnvironment env)
    {
        var server = new Option<Uri>("--server", "-s")
        {
            Description = "Base URL of the Gatehouse server (http:// or https://).",
            HelpName = "url",
            Required = true,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
                if (ServerUrl.TryParse(text, out var url, out var error)) return url;
                result.AddError("--server: " + error);
                return null;
            },
        };
        var token = new Option<string>("--token", "-t")
        {
            Description = "API token; '-' reads it from the first line of stdin (keeps it out of shell history).",
            HelpName = "token|-",
            Required = true,
        };
        var caCert = new Option<string>("--ca-cert")
        {
            Description = "PEM file of the CA (or the self-signed certificate) to trust for this server besides the system's CAs; stored with the login.",
            HelpName = "path",
        };
        var command = new Command("login", "Check a token against the server and store it for later commands.") { server, token, caCert };
        command.SetAction(CliApp.Guard(env, (pr, ct) => RunAsync(env, pr.GetRequiredValue(server), pr.GetRequiredValue(token), pr.GetValue(caCert), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, Uri server, string tokenArgument, string? caCertArgument, CancellationToken ct)
    {
        // Stored absolute, so later commands find it from any directory; read now, so a wrong path fails here.
        var caCert = string.IsNullOrWhiteSpace(caCertArgument) ? null : Path.GetFullPath(caCertArgument, env.WorkingDirectory);
        if (caCert is not null) TrustedCaHandlers.Load(caCert);
        var token = tokenArgument == "-" ? (await env.In.ReadLineAsync(ct))?.Trim() : tokenArgument.Trim();
        if (string.IsNullOrEmpty(token))
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, "--token: the token is empty");
        // A token goes into an HTTP header and a JSON file; control characters or spaces there mean a paste error.
        if (token.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, "--token: the token contains spaces or control characters");

        if (ServerUrl.IsCleartextRemote(server))
            Terminal.WriteWarning(env.Err, $"{ServerUrl.Display(server)} is plain http: the token travels unencrypted");

        MeResponse me;
        try
        {
            using var api = new GatehouseApi(env, server, token, caCert);
            me = await api.GetJsonAsync<MeResponse>("api/me", ct);
        }
        catch (CliException ex) when (ex.HttpStatus is 401 or 403)
        {
            // The server looked at the token and said no: a verdict, not an incomplete check.
            throw ex.WithExitCode(ExitCodes.GateSaidNo);
        }

        ConfigStore.Save(env, server, token, caCert);

        var who = me.Email ?? me.Id ?? "(unknown user)";
        env.Out.Write($"logged in to {ServerUrl.Display(server)} as {Terminal.Sanitize(who)}{(me.Id is not null && me.Email is not null ? $" (id {Terminal.Sanitize(me.Id)})" : "")}\n");
        env.Out.Write($"  roles:         {List(me.Roles)}\n");
        env.Out.Write($"  organizations: {List(me.Organizations?.Select(o => $"{o.Name ?? o.Id} ({o.Role ?? "member"})"))}\n");
        env.Out.Write($"  token scopes:  {List(me.Scopes)}\n");
        env.Out.Write($"saved to {env.ConfigFilePath}\n");
        return ExitCodes.Ok;
    }

    private static string List(IEnumerable<string?>? items)
    {
        var list = items?.Where(i => !string.IsNullOrEmpty(i)).Select(Terminal.Sanitize).ToList() ?? [];
        return list.Count == 0 ? "(none)" : string.Join(", ", list);
    }
}
