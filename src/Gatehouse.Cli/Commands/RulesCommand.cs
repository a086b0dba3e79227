using System.CommandLine;
using System.Text.Json;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary><c>gatehouse rules</c>: every rule the engine can report, with its requirement and doc page.</summary>
internal static class RulesCommand
{
    public static Command Create(CliEnvironment env)
    {
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("rules", "List every rule with its severity, requirement and documentation.") { format };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var rules = AnalyzerCatalog.AllRules();
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                await env.Out.WriteLineAsync(JsonSerializer.Serialize(rules.Select(r => new
                {
                    r.Id, r.Title, severity = r.DefaultSeverity.ToString().ToLowerInvariant(), requirement = r.RequirementId, doc = r.DocPath, r.Description,
                }), CliJson.Output));
                return ExitCodes.Ok;
            }
            await env.Out.WriteLineAsync($"{"RULE",-32} {"SEVERITY",-9} {"REQUIREMENT",-12} DOC");
            foreach (var r in rules)
                await env.Out.WriteLineAsync($"{r.Id,-32} {r.DefaultSeverity.ToString().ToLowerInvariant(),-9} {r.RequirementId,-12} {r.DocPath}");
            await env.Out.WriteLineAsync($"{rules.Count} rules");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
