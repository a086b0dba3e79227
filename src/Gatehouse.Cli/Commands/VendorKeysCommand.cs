using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gatehouse.Cli.Config;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse vendor-keys list|add|revoke ORG</c>: a vendor organisation's registered signing keys (ECDSA P-256 public
/// keys), with which Gatehouse verifies the signatures the vendor uploads with its versions (docs/signing.md#vendor-signatures).
/// The owner adds; the owner or an admin revokes. <c>--format json</c> prints the server's documents.
/// </summary>
internal static class VendorKeysCommand
{
    /// <summary>A public key PEM is about 180 bytes; anything much larger is not one.</summary>
    private const int MaxPemBytes = 4096;

    public static Command Create(CliEnvironment env)
    {
        var command = new Command("vendor-keys", "List, register and revoke your organisation's signing keys (the public keys Gatehouse verifies your signatures with).");
        command.Subcommands.Add(List(env));
        command.Subcommands.Add(Add(env));
        command.Subcommands.Add(Revoke(env));
        return command;
    }

    private static Argument<Guid> Org() => new("org") { Description = "The organisation's id (gatehouse login prints your organisations)." };

    private static Command List(CliEnvironment env)
    {
        var org = Org();
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("list", "List the organisation's signing keys, active and revoked.") { org, format };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var config = ConfigStore.LoadRequired(env);
            using var api = new GatehouseApi(env, config.Server, config.Token, config.CaCert);
            var id = pr.GetRequiredValue(org);
            var doc = await api.GetJsonAsync<JsonElement>($"api/orgs/{id}/signing-keys", ct);
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, doc);
                return ExitCodes.Ok;
            }
            var keys = Wire.Read<List<VendorKeyWire>>(doc, $"GET /api/orgs/{id}/signing-keys");
            if (keys.Count == 0)
            {
                env.Out.Write($"no signing keys; the owner registers one with 'gatehouse vendor-keys add {id} --name NAME --key PUBLIC.pem'\n");
                return ExitCodes.Ok;
            }
            VersionView.WriteTable(env.Out, ["KEY ID", "NAME", "STATUS", "REGISTERED", "REVOKED"], keys.Select(k => new[]
            {
                Terminal.Sanitize(k.KeyId ?? "-"), Terminal.Sanitize(k.Name ?? "-"), Terminal.Sanitize(k.Status ?? "-"), Date(k.CreatedAt), k.RevokedAt is { } r ? Date(r) : "-",
            }).ToList());
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Add(CliEnvironment env)
    {
        var org = Org();
        var name = new Option<string>("--name") { Description = "A label for the key (\"CI release key\"), at most 100 characters.", HelpName = "name", Required = true };
        var key = new Option<FileInfo>("--key")
        {
            Description = "The ECDSA P-256 PUBLIC key in PEM (openssl ec -in key.pem -pubout -out key.pub.pem). A private key is refused here: it never leaves your machine.",
            HelpName = "file", Required = true,
        };
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("add", "Register a public key for the organisation (its owner).") { org, name, key, format };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var file = pr.GetRequiredValue(key);
            var pem = ReadPublicPem(file);
            var config = ConfigStore.LoadRequired(env);
            using var api = new GatehouseApi(env, config.Server, config.Token, config.CaCert);
            var id = pr.GetRequiredValue(org);
            var doc = await api.SendJsonAsync<JsonElement>(HttpMethod.Post, $"api/orgs/{id}/signing-keys", new { name = pr.GetRequiredValue(name), publicKeyPem = pem }, ct);
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, doc);
                return ExitCodes.Ok;
            }
            var k = Wire.Read<VendorKeyWire>(doc, $"POST /api/orgs/{id}/signing-keys");
            env.Out.Write($"key {Terminal.Sanitize(k.Name ?? "-")} registered: {Terminal.Sanitize(k.KeyId ?? "-")}\n");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Revoke(CliEnvironment env)
    {
        var org = Org();
        var which = new Argument<string>("key") { Description = "The key's key id (gatehouse vendor-keys list) or id." };
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("revoke", "Revoke a key (the owner or an admin): signatures by it are refused from now on, also those already uploaded with a draft.")
        {
            org, which, format,
        };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var config = ConfigStore.LoadRequired(env);
            using var api = new GatehouseApi(env, config.Server, config.Token, config.CaCert);
            var id = pr.GetRequiredValue(org);
            var doc = await api.SendJsonAsync<JsonElement>(HttpMethod.Post,
                $"api/orgs/{id}/signing-keys/{Uri.EscapeDataString(pr.GetRequiredValue(which))}/revoke", null, ct);
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, doc);
                return ExitCodes.Ok;
            }
            var k = Wire.Read<VendorKeyWire>(doc, $"POST /api/orgs/{id}/signing-keys/…/revoke");
            env.Out.Write($"key {Terminal.Sanitize(k.Name ?? "-")} ({Terminal.Sanitize(k.KeyId ?? "-")}) revoked{(k.RevokedAt is { } r ? " " + Date(r) : "")}\n");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string ReadPublicPem(FileInfo file)
    {
        if (!file.Exists) throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--key {file.FullName}: no such file");
        if (file.Length > MaxPemBytes) throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--key {file.Name}: larger than {MaxPemBytes} bytes; give the public key PEM");
        string pem;
        try
        {
            pem = File.ReadAllText(file.FullName);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--key {file.Name}: {ex.Message}", null, ex);
        }
        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument,
                $"--key {file.Name}: this is a private key; register its public half (openssl ec -in {file.Name} -pubout)");
        return pem;
    }

    private static string Date(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

internal sealed record VendorKeyWire(Guid Id, string? KeyId, string? Name, string? Status, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
