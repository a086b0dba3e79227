using Gatehouse.Analysis.Probes;

namespace Gatehouse.Server.Scanning.Probes;

/// <summary>
/// What a probe scan probes: its base URL (<see cref="Scan.Target"/>) with the declared endpoints and webhook of what
/// it belongs to. Implemented by the owner of the scan's subject (the app versions), so the probe runner needs no
/// knowledge of apps.
/// </summary>
internal interface IProbeTargets
{
    /// <summary>The target, or null and why the probe cannot run (the scan is then incomplete).</summary>
    Task<(ProbeTarget? Target, string? Problem)> ResolveAsync(Scan scan, CancellationToken ct);
}
