namespace Gatehouse.Server.Scanning;

/// <summary>
/// Runs the scans of one <see cref="ScanKind"/> and stores what it found through <see cref="ScanResults"/>.
/// Registered by the feature that owns the kind; <see cref="ScanArtifactHandler"/> picks it by <see cref="Scan.Kind"/>.
/// Must be idempotent (a re-delivered scan runs again and its findings are replaced) and fail closed: a runner
/// that cannot finish stores an incomplete verdict or throws, never a pass.
/// </summary>
internal interface IScanRunner
{
    /// <summary>The kind of scan this runner runs.</summary>
    ScanKind Kind { get; }

    /// <summary>Runs <paramref name="scan"/> (in state running) and stores its report, findings and verdict.</summary>
    Task RunAsync(Scan scan, CancellationToken ct);
}
