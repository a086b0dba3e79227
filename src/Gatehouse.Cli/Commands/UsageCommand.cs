using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Gatehouse.Cli.Config;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse usage APP</c>: an app's platform calls in hour or day buckets (optionally for one installation or endpoint);
/// <c>gatehouse usage alerts APP</c>: its usage alerts with their evidence; <c>gatehouse usage tenant TENANT</c>: which apps
/// called a tenant's data. Staff see every app, vendors their own, tenant admins their tenants (docs/usage.md).
/// <c>--format json</c> prints the server's documents.
/// </summary>
internal static class UsageCommand
{
    public static Command Create(CliEnvironment env)
    {
        var app = new Argument<string>("app") { Description = "The app's slug." };
        var from = FromOption();
        var to = ToOption();
        var bucket = new Option<string>("--bucket") { Description = "hour (default; at most 90 days) or day (at most 400 days).", DefaultValueFactory = _ => "hour" };
        bucket.AcceptOnlyFromAmong("hour", "day");
        var installation = new Option<Guid?>("--installation") { Description = "Only the calls for this tenant (its id)." };
        var endpoint = new Option<string?>("--endpoint") { Description = "Only the calls to this endpoint template, e.g. 'GET /platform/v1/projects'." };
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("usage", "Show an app's platform usage per hour or day (default: the last 7 days per hour); 'usage alerts APP' its alerts, 'usage tenant TENANT' who called a tenant's data.")
        {
            app, from, to, bucket, installation, endpoint, format,
        };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var slug = pr.GetRequiredValue(app);
            var query = Query(("from", Time(pr.GetValue(from), "--from")), ("to", Time(pr.GetValue(to), "--to")), ("bucket", pr.GetValue(bucket)),
                ("installation", pr.GetValue(installation)?.ToString("D")), ("endpoint", pr.GetValue(endpoint)));
            var config = ConfigStore.LoadRequired(env);
            using var api = new GatehouseApi(env, config.Server, config.Token, config.CaCert);
            var path = VersionView.AppPath(slug) + "/usage" + query;
            var doc = await api.GetJsonAsync<JsonElement>(path, ct);
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, doc);
                return ExitCodes.Ok;
            }
            WriteSeries(env.Out, Wire.Read<UsageSeriesWire>(doc, "GET /" + path));
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(Alerts(env));
        command.Subcommands.Add(Tenant(env));
        return command;
    }

    private static Command Alerts(CliEnvironment env)
    {
        var app = new Argument<string>("app") { Description = "The app's slug." };
        var status = new Option<string?>("--status") { Description = "open, acknowledged, resolved or active (open and acknowledged); all without it." };
        status.AcceptOnlyFromAmong("open", "acknowledged", "resolved", "active");
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("alerts", "List an app's usage alerts with their evidence, newest first.") { app, status, format };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var slug = pr.GetRequiredValue(app);
            var config = ConfigStore.LoadRequired(env);
            using var api = new GatehouseApi(env, config.Server, config.Token, config.CaCert);
            var path = VersionView.AppPath(slug) + "/usage/alerts" + Query(("status", pr.GetValue(status)));
            var doc = await api.GetJsonAsync<JsonElement>(path, ct);
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, doc);
                return ExitCodes.Ok;
            }
            var alerts = Wire.Read<List<UsageAlertWire>>(doc, "GET /" + path);
            if (alerts.Count == 0)
            {
                env.Out.Write($"no usage alerts for {Terminal.Sanitize(slug)}\n");
                return ExitCodes.Ok;
            }
            VersionView.WriteTable(env.Out, ["ID", "SEVERITY", "DETECTOR", "STATUS", "RAISED", "WINDOW", "OBSERVED / BASELINE", "ACTION"],
                [.. alerts.Select(a => new[]
                {
                    a.Id.ToString("D"), S(a.Severity), S(a.DetectorId), S(a.Status), Utc(a.RaisedAt), $"{Utc(a.EvidenceFrom)} .. {Utc(a.EvidenceTo)}",
                    $"{S(a.Metric)} {Num(a.Observed)} / {Num(a.Baseline)}", S(a.Action),
                })]);
            env.Out.Write(string.Create(CultureInfo.InvariantCulture, $"{alerts.Count} alert(s); the evidence in full: --format json\n"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Tenant(CliEnvironment env)
    {
        var tenant = new Argument<Guid>("tenant") { Description = "The tenant's id (gatehouse tenants list)." };
        var from = FromOption();
        var to = ToOption();
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("tenant", "Show which apps called a tenant's data, how much, first and last call (the tenant's admins and staff; default: the last 7 days).")
        {
            tenant, from, to, format,
        };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var id = pr.GetRequiredValue(tenant);
            var query = Query(("from", Time(pr.GetValue(from), "--from")), ("to", Time(pr.GetValue(to), "--to")));
            var config = ConfigStore.LoadRequired(env);
            using var api = new GatehouseApi(env, config.Server, config.Token, config.CaCert);
            var path = $"api/tenants/{id:D}/usage{query}";
            var doc = await api.GetJsonAsync<JsonElement>(path, ct);
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, doc);
                return ExitCodes.Ok;
            }
            var u = Wire.Read<TenantUsageWire>(doc, "GET /" + path);
            var apps = u.Apps ?? [];
            if (apps.Count == 0)
            {
                env.Out.Write($"no app called the data of {S(u.TenantName)} from {Utc(u.From)} to {Utc(u.To)}\n");
                return ExitCodes.Ok;
            }
            VersionView.WriteTable(env.Out, ["APP", "INSTALLED", "CALLS", "REFUSED", "BYTES OUT", "FIRST CALL", "LAST CALL"],
                [.. apps.Select(a => new[]
                {
                    S(a.App), a.Installed ? "yes" : "no", Count(a.Usage?.Calls), Count(a.Usage is { } c ? c.Unauthorized401 + c.Forbidden403 + c.TooMany429 : 0),
                    Count(a.Usage?.BytesOut), Utc(a.FirstCall), Utc(a.LastCall),
                })]);
            env.Out.Write($"{apps.Count} app(s) called the data of {S(u.TenantName)} from {Utc(u.From)} to {Utc(u.To)}\n");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The buckets with calls (a week of hours is mostly quiet), then the period's total.</summary>
    internal static void WriteSeries(TextWriter w, UsageSeriesWire s)
    {
        var points = (s.Points ?? []).Where(p => p.Usage is { Calls: > 0 }).ToList();
        var scope = (s.Installation is { } i ? $" for tenant {i:D}" : "") + (s.Endpoint is { } e ? $" to {Terminal.Sanitize(e)}" : "");
        if (points.Count == 0)
        {
            w.Write($"no calls by {S(s.App)}{scope} from {Utc(s.From)} to {Utc(s.To)}\n");
            return;
        }
        var rows = points.Select(p => Row(Utc(p.Start), p.Usage!)).ToList();
        if (s.Total is { } t) rows.Add(Row("total", t));
        VersionView.WriteTable(w, ["FROM (UTC)", "CALLS", "2XX", "4XX", "5XX", "401", "403", "429", "SCOPE", "BYTES OUT", "MEAN MS", "MAX MS"], rows);
        w.Write($"{S(s.App)}{scope}: {points.Count} {S(s.Bucket)}(s) with calls from {Utc(s.From)} to {Utc(s.To)}\n");
    }

    private static string[] Row(string label, UsageCountsWire c) =>
    [
        label, Count(c.Calls), Count(c.Status2xx), Count(c.Status4xx), Count(c.Status5xx), Count(c.Unauthorized401), Count(c.Forbidden403),
        Count(c.TooMany429), Count(c.ScopeViolations), Count(c.BytesOut), Num(c.MeanLatencyMs), Num(c.MaxLatencyMs),
    ];

    private static Option<string?> FromOption() => new("--from") { Description = "Start (ISO 8601, UTC if no offset), rounded down to the bucket." };

    private static Option<string?> ToOption() => new("--to") { Description = "End, exclusive (ISO 8601, UTC if no offset); default now." };

    /// <summary>An ISO 8601 time given on the command line, as the query sends it; a usage error if it is not one.</summary>
    internal static string? Time(string? value, string option)
    {
        if (value is null) return null;
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"{option}: '{Terminal.Sanitize(value)}' is not a date or time (ISO 8601, e.g. 2026-03-01 or 2026-03-01T12:00:00Z)");
        return t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (string.IsNullOrEmpty(value)) continue;
            sb.Append(sb.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
        return sb.ToString();
    }

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);

    private static string Count(long? n) => (n ?? 0).ToString(CultureInfo.InvariantCulture);

    private static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string S(string? text) => Terminal.Sanitize(text ?? "-");
}
