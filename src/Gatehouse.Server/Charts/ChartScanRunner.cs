using Gatehouse.Analysis.Charts;
using Gatehouse.Server.Scanning;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Charts;

/// <summary>
/// Runs the scans of Helm charts (<see cref="ScanKind.Chart"/>, artifact type <c>chart</c>; issue 18): the engine reads the
/// chart as a hostile archive and renders it with the real Helm (<see cref="ChartsOptions.HelmPath"/>, else
/// <c>GATEHOUSE_HELM</c>, else <c>helm</c> on the PATH; none makes the rendering checks incomplete, never passed) exactly as
/// a file scan does (<see cref="FileScanRunner"/>: the same private copy, SBOM and stored results), then every image the chart
/// references is checked against the images approved in Gatehouse (<see cref="ApprovedImages"/>) by the engine's own rule
/// (<see cref="ChartImageApproval.Apply"/>, as <c>gatehouse check --approved-images</c> does).
/// </summary>
internal sealed class ChartScanRunner(FileScanRunner files, ApprovedImages approved, IOptions<ChartsOptions> options) : IScanRunner
{
    /// <summary>The artifact type of Helm charts (<see cref="Scan.ArtifactType"/>), the engine's <c>--type chart</c>.</summary>
    public const string ArtifactType = "chart";

    public ScanKind Kind => ScanKind.Chart;

    public Task RunAsync(Scan scan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var helm = options.Value.EffectiveHelmPath(Environment.GetEnvironmentVariable(ChartsOptions.HelmEnvironmentVariable));
        return files.RunAsync(scan, async (report, _, _, policy, token) =>
        {
            // Read when the scan runs, not when it was queued: an image approved (or quarantined) meanwhile counts.
            var digests = await approved.DigestsAsync(token);
            return ChartImageApproval.Apply(report, digests, policy);
        }, ct, engine => engine with { HelmPath = helm });
    }
}
