using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gatehouse.Cli.Config;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse keys list|rotate|retire</c>: the platform signing keys (admins; a token with the admin scope). Rotating
/// makes a new active key and supersedes the previous one (still published); retiring lists a superseded key as retired,
/// so verifiers refuse its signatures. <c>--format json</c> prints the server's documents (docs/signing.md).
/// </summary>
internal static class KeysCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("keys", "List, rotate and retire the platform signing keys (admins).");
        command.Subcommands.Add(List(env));
        command.Subcommands.Add(Rotate(env));
        command.Subcommands.Add(Retire(env));
        return command;
    }

    private static Command List(CliEnvironment env)
    {
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("list", "List the platform signing keys: id, status, dates, OpenPGP fingerprint.") { format };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var config = ConfigStore.LoadRequired(env);
            using var api = new GatehouseApi(env, config.Server, config.Token);
            var doc = await api.GetJsonAsync<JsonElement>("api/signing/keys", ct);
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, doc);
                return ExitCodes.Ok;
            }
            var keys = Wire.Read<List<SigningKeyWire>>(doc, "GET /api/signing/keys");
            if (keys.Count == 0)
            {
                env.Out.Write("no signing key yet; Gatehouse makes one when it first signs, or run 'gatehouse keys rotate'\n");
                return ExitCodes.Ok;
            }
            VersionView.WriteTable(env.Out, ["KID", "STATUS", "CREATED", "SUPERSEDED", "RETIRED", "OPENPGP FINGERPRINT"],
                [.. keys.Select(k => new[] { Terminal.Sanitize(k.Kid), Terminal.Sanitize(k.Status), At(k.CreatedAt), At(k.SupersededAt), At(k.RetiredAt), Terminal.Sanitize(k.OpenPgpFingerprint) })]);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Rotate(CliEnvironment env)
    {
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("rotate", "Make a new active signing key; the previous active key is superseded (still published, its signatures still verify).") { format };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var config = ConfigStore.LoadRequired(env);
            using var api = new GatehouseApi(env, config.Server, config.Token);
            var doc = await api.SendJsonAsync<JsonElement>(HttpMethod.Post, "api/signing/keys", null, ct);
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, doc);
                return ExitCodes.Ok;
            }
            var rotated = Wire.Read<RotatedKeyWire>(doc, "POST /api/signing/keys");
            env.Out.Write($"new active signing key {Terminal.Sanitize(rotated.Key.Kid)} (OpenPGP {Terminal.Sanitize(rotated.Key.OpenPgpFingerprint)})\n");
            foreach (var kid in rotated.Superseded ?? [])
                env.Out.Write($"superseded {Terminal.Sanitize(kid)}: still published; retire it with 'gatehouse keys retire {Terminal.Sanitize(kid)}'\n");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Retire(CliEnvironment env)
    {
        var kid = new Argument<string>("kid") { Description = "The key id (gatehouse keys list); the active key cannot be retired, rotate first." };
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("retire", "Retire a superseded signing key: published as retired with the date, its signatures refused from now on.") { kid, format };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var config = ConfigStore.LoadRequired(env);
            using var api = new GatehouseApi(env, config.Server, config.Token);
            var id = pr.GetRequiredValue(kid);
            var doc = await api.SendJsonAsync<JsonElement>(HttpMethod.Post, $"api/signing/keys/{Uri.EscapeDataString(id)}/retire", null, ct);
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, doc);
                return ExitCodes.Ok;
            }
            var key = Wire.Read<SigningKeyWire>(doc, $"POST /api/signing/keys/{id}/retire");
            env.Out.Write($"signing key {Terminal.Sanitize(key.Kid)} retired at {At(key.RetiredAt)}\n");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string At(DateTimeOffset? t) =>
        t is { } v ? v.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";
}

internal sealed record SigningKeyWire(string Kid, string Status, DateTimeOffset CreatedAt, DateTimeOffset? SupersededAt, DateTimeOffset? RetiredAt, string OpenPgpFingerprint, string PemUrl);
internal sealed record RotatedKeyWire(SigningKeyWire Key, IReadOnlyList<string>? Superseded);
