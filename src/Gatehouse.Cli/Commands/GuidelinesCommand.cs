using System.CommandLine;
using Gatehouse.Analysis.Requirements;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse guidelines</c>: the security requirements catalogue the gate judges by (the copy embedded
/// in the engine, the same one the server publishes at <c>/guidelines</c>).
/// </summary>
internal static class GuidelinesCommand
{
    public static Command Create(CliEnvironment env)
    {
        var type = new Option<string?>("--type")
        {
            Description = "Only the requirements for this app type: web-integration, downloadable, container or helm-chart.",
            HelpName = string.Join('|', AppTypes.All),
        };
        type.AcceptOnlyFromAmong([.. AppTypes.All, "web", "chart"]);
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("guidelines", "List the security requirements apps must meet, with how each is verified.") { type, format };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var catalog = RequirementCatalog.LoadEmbedded();
            var appType = AppTypes.Normalize(pr.GetValue(type));
            var requirements = appType is null ? catalog.All : catalog.ForType(appType);
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, new { catalogVersion = catalog.Version, catalogDigest = catalog.Digest, appType, requirements });
                return ExitCodes.Ok;
            }
            await env.Out.WriteLineAsync($"Gatehouse security requirements, catalogue {catalog.Version}{(appType is null ? "" : $", for {appType}")}");
            foreach (var area in requirements.GroupBy(r => r.Area))
            {
                await env.Out.WriteLineAsync();
                await env.Out.WriteLineAsync(area.First().AreaTitle);
                foreach (var r in area)
                    await env.Out.WriteLineAsync($"  {r.Id,-11} {r.Severity,-8} v{r.Version,-3} {r.Title}  [{string.Join(", ", r.AppliesTo)}]");
            }
            await env.Out.WriteLineAsync();
            await env.Out.WriteLineAsync($"{requirements.Count} requirements. Details (why, how to comply, how it is verified): gatehouse guidelines --format json, or /guidelines on the server.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
