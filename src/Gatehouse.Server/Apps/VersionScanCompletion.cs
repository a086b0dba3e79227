using Gatehouse.Server.Scanning;

namespace Gatehouse.Server.Apps;

/// <summary>Hands the finished scans of one version purpose (submission, rescan, probe) to <see cref="VersionScanOutcome"/>.</summary>
internal sealed class VersionScanCompletion(string purpose, VersionScanOutcome outcome) : IScanCompletion
{
    public string Purpose => purpose;

    public Task OnCompletedAsync(Scan scan, CancellationToken ct) => outcome.HandleAsync(scan, ct);
}
