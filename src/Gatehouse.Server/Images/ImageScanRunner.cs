using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Images.Smoke;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Scratch;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Images;

/// <summary>
/// Runs the scans of container images (<see cref="ScanKind.Image"/>, artifact type <c>container</c>; issue 17): pulls the
/// image first when the version named it by reference (<see cref="ImagePulls"/>; once: the pulled bytes are the scan's
/// blob from then on), scans the image with the engine exactly as a file scan does (<see cref="FileScanRunner"/>: the
/// engine expands every layer, runs the image checks, catalogs the packages; the SBOM is stored the same way), fills in
/// the image summary when the engine did not, records the manifest digest on the version, and runs the vendor's smoke
/// test (<see cref="ImageSmokeTest"/>) on the same private copy, folded into the report by the engine's own rule
/// (<see cref="SmokeVerdicts.Apply"/>, as <c>gatehouse check --smoke</c> does): a failure is a finding, a test that could
/// not run makes the scan incomplete, never a pass.
/// </summary>
internal sealed class ImageScanRunner(
    FileScanRunner files, ImagePulls pulls, GatehouseDb db, ScanResults results, ScanPolicies policies, IOptions<ImagesOptions> options) : IScanRunner
{
    /// <summary>The rule of an image that cannot be pulled for a reason the vendor must fix (docs/rules/image.pull-failed.md).</summary>
    public const string PullFailedRule = "image.pull-failed";

    /// <summary>The artifact type of container images (<see cref="Scan.ArtifactType"/>), the engine's <c>--type container</c>.</summary>
    public const string ArtifactType = "container";

    public ScanKind Kind => ScanKind.Image;

    public async Task RunAsync(Scan scan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        if (string.IsNullOrEmpty(scan.BlobDigest) && await pulls.PullAsync(scan, ct) is { } refused)
        {
            await StoreRefusedAsync(scan, refused, ct);
            return;
        }
        var version = scan.SubjectId is { } id ? await db.AppVersions.FirstOrDefaultAsync(v => v.Id == id, ct) : null;
        var spec = SmokeDeclaration.Parse(version?.SmokeSpecJson) ?? SmokeSpec.Default;
        await files.RunAsync(scan, async (report, artifact, folder, policy, token) =>
        {
            report = WithSummary(report, artifact, policy, scan.Target);
            // The version is the image it was scanned as: an upload's manifest digest is recorded at its first scan.
            if (version is not null && version.ArtifactDigest == scan.BlobDigest && version.ImageManifestDigest is null && report.Image is { } image)
                version.ImageManifestDigest = image.ManifestDigest;
            if (!options.Value.SmokeTests) return report;
            var result = await SmokeAsync(artifact, folder, spec, token);
            return SmokeVerdicts.Apply(report, result, policy);
        }, ct);
    }

    /// <summary>The engine's image summary, or (an engine without the image expander) one read here; an image that does not open leaves it empty.</summary>
    private static ScanReport WithSummary(ScanReport report, string artifact, Policy policy, string? reference)
    {
        if (report.Image is not null) return reference is null || report.Image.Reference is not null ? report : report with { Image = report.Image with { Reference = reference } };
        try
        {
            using var archive = ImageArchive.Open(artifact, policy.Images);
            return report with { Image = ImageSummary.Of(archive.Image) with { Reference = reference } };
        }
        catch (ImageException)
        {
            return report; // the engine reports an image it cannot read; there is nothing to summarise
        }
    }

    private async Task<SmokeResult> SmokeAsync(string artifact, ScratchFolder folder, SmokeSpec spec, CancellationToken ct)
    {
        var o = options.Value;
        var bundle = folder.File("smoke");
        PrivateFolders.Ensure(bundle);
        var smoke = new ImageSmokeTest
        {
            RuncPath = string.IsNullOrWhiteSpace(o.Runc) ? null : o.Runc,
            UmociPath = string.IsNullOrWhiteSpace(o.Umoci) ? null : o.Umoci,
            ScratchDirectory = bundle,
        };
        if (!smoke.IsAvailable(out var reason)) return SmokeVerdicts.NotRun(reason, Check(spec));
        try
        {
            return await smoke.RunAsync(artifact, spec, o.Limits(), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A runner that throws has not shown the image works: incomplete, never passed.
            return SmokeVerdicts.NotRun($"the smoke runner failed: {ex.Message}", Check(spec));
        }
    }

    private static string Check(SmokeSpec spec) => spec.Command is not null ? "command" : spec.HttpPort is not null ? "http" : "default-command";

    /// <summary>The vendor's image cannot be pulled: the scan ends with one blocking finding that says why (the vendor fixes it and submits again).</summary>
    private async Task StoreRefusedAsync(Scan scan, ImagePulls.Refused refused, CancellationToken ct)
    {
        var policy = await policies.ForAsync(scan, ct);
        var reference = scan.Target ?? "";
        var finding = new Finding(PullFailedRule, Severity.High, reference, $"the image cannot be pulled ({refused.Code}): {refused.Message}",
            Fingerprints.Of(PullFailedRule, reference, refused.Code))
        { AnalyzerId = "image.pull", Evidence = refused.Code };
        IReadOnlyList<AnalyzerRun> runs = [new("image.pull", "1", "ok")];
        var (verdict, reasons) = VerdictRules.Decide([finding], runs, policy);
        var report = new ScanReport(ScanReport.CurrentSchemaVersion, "gatehouse", ScanPipeline.ToolVersion,
            new ArtifactInfo(scan.FileName, "", 0, scan.ArtifactType, null), verdict, reasons, [finding], runs,
            new ScanStats(0, 0, 0, 0, ScanStats.CountBySeverity([finding])));
        await results.StoreAsync(scan, verdict, [finding], ReportJson.Serialize(report),
            [new("reference", reference), new("pull", refused.Code)], ct);
    }
}
