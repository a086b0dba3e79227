using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gatehouse.Cli.Config;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse tenants list|create|invite</c>: the marketplace's customers. Admins create tenants and invite their
/// admins by e-mail; the invited person accepts in the console (or <c>POST /api/invitations/accept</c>). Nobody becomes
/// a tenant admin without accepting. <c>--format json</c> prints the server's documents.
/// </summary>
internal static class TenantsCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("tenants", "List and create tenants (customers of the marketplace) and invite their admins.");
        command.Subcommands.Add(List(env));
        command.Subcommands.Add(CreateTenant(env));
        command.Subcommands.Add(Invite(env));
        return command;
    }

    private static Command List(CliEnvironment env)
    {
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("list", "List tenants: all of them for an admin, otherwise the ones you administer.") { format };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var config = ConfigStore.LoadRequired(env);
            using var api = new GatehouseApi(env, config.Server, config.Token);
            var doc = await api.GetJsonAsync<JsonElement>("api/tenants", ct);
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, doc);
                return ExitCodes.Ok;
            }
            var rows = Wire.Read<List<TenantWire>>(doc, "GET /api/tenants")
                .Select(t => new[] { t.Id.ToString(), Terminal.Sanitize(t.Name ?? "-"), t.AdminCount.ToString(CultureInfo.InvariantCulture) }).ToList();
            if (rows.Count == 0)
            {
                env.Out.Write("no tenants; an admin creates one with 'gatehouse tenants create NAME'\n");
                return ExitCodes.Ok;
            }
            VersionView.WriteTable(env.Out, ["ID", "NAME", "ADMINS"], rows);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateTenant(CliEnvironment env)
    {
        var name = new Argument<string>("name") { Description = "The tenant's name (unique, at most 200 characters)." };
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("create", "Create a tenant (admins; needs a token with the admin scope).") { name, format };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var config = ConfigStore.LoadRequired(env);
            using var api = new GatehouseApi(env, config.Server, config.Token);
            var doc = await api.SendJsonAsync<JsonElement>(HttpMethod.Post, "api/tenants", new { name = pr.GetRequiredValue(name) }, ct);
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, doc);
                return ExitCodes.Ok;
            }
            var t = Wire.Read<TenantWire>(doc, "POST /api/tenants");
            env.Out.Write($"tenant {Terminal.Sanitize(t.Name ?? "-")} created: {t.Id}\n");
            env.Out.Write($"invite its admin with 'gatehouse tenants invite {t.Id} EMAIL'\n");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Invite(CliEnvironment env)
    {
        var tenant = new Argument<Guid>("tenant") { Description = "The tenant's id (gatehouse tenants list)." };
        var email = new Argument<string>("email") { Description = "The address to invite; the person accepts after signing in with it." };
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("invite", "Invite a tenant admin by e-mail (admins). The invitation is e-mailed; the answer is the same whether the address has an account or not.")
        {
            tenant, email, format,
        };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var config = ConfigStore.LoadRequired(env);
            using var api = new GatehouseApi(env, config.Server, config.Token);
            var id = pr.GetRequiredValue(tenant);
            var doc = await api.SendJsonAsync<JsonElement>(HttpMethod.Post, $"api/tenants/{id}/invitations", new { email = pr.GetRequiredValue(email) }, ct);
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, doc);
                return ExitCodes.Ok;
            }
            var inv = Wire.Read<InvitationWire>(doc, $"POST /api/tenants/{id}/invitations");
            env.Out.Write(string.Create(CultureInfo.InvariantCulture,
                $"invitation {inv.Id} sent to {Terminal.Sanitize(inv.Email ?? "-")}; it expires {inv.ExpiresAt:yyyy-MM-dd HH:mm} UTC\n"));
            return ExitCodes.Ok;
        }));
        return command;
    }
}

internal sealed record TenantWire(Guid Id, string? Name, int AdminCount);
internal sealed record InvitationWire(Guid Id, string? Kind, Guid TargetId, string? Email, string? Role, string? Status, DateTimeOffset ExpiresAt);
