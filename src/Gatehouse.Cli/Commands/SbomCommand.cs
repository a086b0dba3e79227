using System.CommandLine;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Analysis.Vulnerabilities.Sbom;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse sbom PATH</c>: the packages in an artifact as a CycloneDX 1.6 JSON SBOM, found by the same engine pipeline
/// as <c>check</c> (and the server), with a <c>vulnerabilities</c> section when an advisory store is present. No malware
/// scan (an SBOM carries no verdict: <c>check</c> gives one). Exit 0 written, 2 usage, 3 incomplete (an analyzer failed,
/// so packages may be missing; the SBOM is still written).
/// </summary>
internal static class SbomCommand
{
    public static Command Create(CliEnvironment env)
    {
        var path = new Argument<FileInfo>("path") { Description = "The artifact to describe (file or archive)." };
        var type = new Option<string>("--type")
        {
            Description = "App type: downloadable, web, container or chart (default downloadable).",
            HelpName = string.Join('|', CheckCommand.Types),
            DefaultValueFactory = _ => "downloadable",
        };
        type.AcceptOnlyFromAmong(CheckCommand.Types);
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the SBOM to this file (default: stdout).", HelpName = "file" };
        var format = new Option<string>("--format", "-f")
        {
            Description = "SBOM format: cyclonedx (CycloneDX 1.6 JSON, the default and only one).",
            HelpName = "cyclonedx",
            DefaultValueFactory = _ => "cyclonedx",
        };
        format.AcceptOnlyFromAmong("cyclonedx");
        var advisories = AdvisoryStoreLocation.CreateOption();
        var command = new Command("sbom", "Write a CycloneDX SBOM of an artifact's packages, with known vulnerabilities.") { path, type, output, format, advisories };
        command.SetAction(CliApp.Guard(env, (pr, ct) =>
            RunAsync(env, pr.GetValue(path)!, pr.GetValue(type)!, pr.GetValue(output), pr.GetValue(advisories), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, FileInfo path, string type, FileInfo? output, DirectoryInfo? advisoriesDir, CancellationToken ct)
    {
        if (!path.Exists) throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"{path.FullName}: no such file");
        using var store = AdvisoryStoreLocation.OpenForScan(env, advisoriesDir);
        // Matched once, below, against the inventory: the vulnerabilities analyzer's findings are check's business.
        var report = await LocalScan.RunAsync(env, path, type, Policy.Default, clamdEndpoint: null, advisories: null, profile: false, ct);
        IReadOnlyList<AdvisoryMatch>? matches = store?.Match(report.Packages, ct);
        var subject = new SbomSubject(report.Artifact.Name, null, report.Artifact.Sha256, SbomSubject.TypeForAppType(type));
        var bytes = CycloneDxWriter.ToBytes(subject, report.Packages, matches, env.TimeProvider.GetUtcNow());
        if (output is null)
        {
            await env.Out.WriteLineAsync(System.Text.Encoding.UTF8.GetString(bytes));
        }
        else
        {
            try
            {
                await File.WriteAllBytesAsync(output.FullName, bytes, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.Incomplete, CliErrorCodes.OutputUnwritable, $"--output {Terminal.Sanitize(output.FullName)}: {e.Message}");
            }
        }
        var advisories = matches?.Select(m => m.AdvisoryId).Distinct(StringComparer.Ordinal).Count();
        var vulnerable = advisories is { } n ? $", {n} {(n == 1 ? "vulnerability" : "vulnerabilities")}" : "";
        env.Err.Write($"sbom: {report.Packages.Count} packages{vulnerable}{(output is null ? "" : " → " + Terminal.Sanitize(output.FullName))}\n");
        var failed = report.Analyzers.Where(a => a.Status != "ok").ToList();
        foreach (var a in failed) Terminal.WriteError(env.Err, $"incomplete: analyzer {a.Id} {a.Status}: {a.Error}; packages may be missing");
        return failed.Count > 0 ? ExitCodes.Incomplete : ExitCodes.Ok;
    }
}
