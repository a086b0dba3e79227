using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gatehouse.Cli.Config;
using Gatehouse.Cli.Http;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse status APP [--version V]</c>: the versions of an app (state, scan verdict, submitted, SLA due), or one
/// version in detail: state, scan verdict before and after suppressions, blocking rules, what still blocks a submission,
/// the questionnaire score and the last transitions. <c>--format json</c> prints the server's documents.
/// </summary>
internal static class StatusCommand
{
    /// <summary>The list fetches each version's detail for its verdict; beyond this many it shows the newest only.</summary>
    public const int MaxVerdictLookups = 50;

    public static Command Create(CliEnvironment env)
    {
        var app = new Argument<string>("app") { Description = "The app's slug." };
        var version = SubmitCommand.VersionOption("The version to show in detail; without it, all versions of the app are listed.");
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("status", "Show an app's versions, or one version in detail: state, scan verdict, blockers, questionnaire, transitions.")
        {
            app, version, format,
        };
        command.SetAction(CliApp.Guard(env, (pr, ct) =>
            pr.GetValue(version) is { } v
                ? DetailAsync(env, pr.GetRequiredValue(app), v, pr.GetValue(format), ct)
                : ListAsync(env, pr.GetRequiredValue(app), pr.GetValue(format), ct)));
        return command;
    }

    private static async Task<int> ListAsync(CliEnvironment env, string app, OutputFormat format, CancellationToken ct)
    {
        var config = ConfigStore.LoadRequired(env);
        using var api = new GatehouseApi(env, config.Server, config.Token, config.CaCert);
        var document = await api.GetJsonAsync<JsonElement>(VersionView.VersionsPath(app), ct);
        if (format == OutputFormat.Json)
        {
            VersionView.WriteJson(env.Out, document);
            return ExitCodes.Ok;
        }

        var versions = Wire.Read<List<VersionWire>>(document, "GET /" + VersionView.VersionsPath(app));
        var now = env.TimeProvider.GetUtcNow();
        var rows = new List<string[]>();
        var looked = 0;
        foreach (var v in versions)
        {
            string verdict = "-";
            if (v.CurrentScanId is not null && v.Version is not null && looked++ < MaxVerdictLookups)
            {
                var detail = await api.GetJsonAsync<VersionDetailWire>(VersionView.VersionPath(app, v.Version), ct);
                verdict = VersionView.Verdict(detail.Scan);
            }
            else if (v.CurrentScanId is not null)
            {
                verdict = "…";
            }
            rows.Add([Terminal.Sanitize(v.Version ?? "-"), Terminal.Sanitize(v.State ?? "-"), verdict, VersionView.Time(v.SubmittedAt), VersionView.SlaDue(v, now)]);
        }
        if (rows.Count == 0)
        {
            env.Out.Write($"{Terminal.Sanitize(app)} has no versions yet; create one with 'gatehouse submit {Terminal.Sanitize(app)} --version V …'\n");
            return ExitCodes.Ok;
        }
        VersionView.WriteTable(env.Out, ["VERSION", "STATE", "VERDICT", "SUBMITTED", "SLA DUE"], rows);
        env.Out.Write(string.Create(CultureInfo.InvariantCulture, $"{rows.Count} version(s) of {Terminal.Sanitize(app)}"));
        env.Out.Write(looked > MaxVerdictLookups ? $"; verdicts shown for the {MaxVerdictLookups} newest ('…': run status --version V)\n" : "\n");
        return ExitCodes.Ok;
    }

    private static async Task<int> DetailAsync(CliEnvironment env, string app, string version, OutputFormat format, CancellationToken ct)
    {
        var config = ConfigStore.LoadRequired(env);
        using var api = new GatehouseApi(env, config.Server, config.Token, config.CaCert);
        var (detail, history) = await FetchAsync(api, app, version, ct);
        Write(env, format, app, detail, history);
        return ExitCodes.Ok;
    }

    /// <summary>GETs the version detail and its transition history.</summary>
    internal static async Task<(JsonElement Detail, JsonElement History)> FetchAsync(GatehouseApi api, string app, string version, CancellationToken ct)
    {
        var detail = await api.GetJsonAsync<JsonElement>(VersionView.VersionPath(app, version), ct);
        var history = await api.GetJsonAsync<JsonElement>(VersionView.VersionPath(app, version) + "/history", ct);
        return (detail, history);
    }

    /// <summary>
    /// Table: the detail view. JSON: the server's version detail with its <c>history</c> (the server's transition list) added.
    /// </summary>
    internal static void Write(CliEnvironment env, OutputFormat format, string app, JsonElement detail, JsonElement history)
    {
        if (format == OutputFormat.Json)
        {
            CliJson.Write(env.Out, WithHistory(detail, history));
            return;
        }
        var path = "GET /" + VersionView.VersionsPath(app) + "/…";
        VersionView.WriteDetail(env.Out, app, Wire.Read<VersionDetailWire>(detail, path), Wire.Read<List<TransitionWire>>(history, path + "/history"),
            env.TimeProvider.GetUtcNow());
    }

    /// <summary>The detail object with a <c>history</c> member appended (the server's members unchanged and first).</summary>
    internal static Dictionary<string, JsonElement> WithHistory(JsonElement detail, JsonElement history)
    {
        if (detail.ValueKind != JsonValueKind.Object)
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.BadResponse, "unexpected response: the version detail is not a JSON object");
        var merged = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in detail.EnumerateObject()) merged[p.Name] = p.Value;
        merged["history"] = history;
        return merged;
    }
}
