namespace Gatehouse.Server.Scanning;

/// <summary>
/// What a scan looks at, and so which <see cref="IScanRunner"/> runs it. Recorded in <see cref="Scan.ArtifactType"/>
/// (no column of its own): <c>probe</c> is an endpoint probe, every other type an uploaded file the engine reads.
/// Kinds to come (container images, Helm charts, SBOM re-matching) each add a member and a runner.
/// </summary>
public enum ScanKind
{
    /// <summary>An uploaded artifact (blob), scanned by the analysis engine as <c>gatehouse check</c> does.</summary>
    File,
    /// <summary>An endpoint probe of <see cref="Scan.Target"/> (no blob), as <c>gatehouse probe</c> does.</summary>
    Probe,
}
