namespace Gatehouse.Server.Scanning;

/// <summary>
/// What a scan looks at, and so which <see cref="IScanRunner"/> runs it. Recorded in <see cref="Scan.ArtifactType"/>
/// (no column of its own): <c>probe</c> is an endpoint probe, every other type an uploaded file the engine reads.
/// <c>sbom</c> a re-match of a stored SBOM, <c>container</c> an image, <c>chart</c> a Helm chart. A kind to come adds a member and a runner.
/// </summary>
public enum ScanKind
{
    /// <summary>An uploaded artifact (blob), scanned by the analysis engine as <c>gatehouse check</c> does.</summary>
    File,
    /// <summary>An endpoint probe of <see cref="Scan.Target"/> (no blob), as <c>gatehouse probe</c> does.</summary>
    Probe,
    /// <summary>
    /// A stored SBOM (<see cref="Scan.BlobDigest"/>, CycloneDX) matched again against the server's advisories after an
    /// import: no artifact is read (<see cref="SbomScanRunner"/>, docs/sbom.md).
    /// </summary>
    Sbom,
    /// <summary>
    /// A container image (artifact type <c>container</c>, issue 17): the uploaded or pulled image archive, scanned by the
    /// engine layer by layer and smoke-tested (<see cref="Images.ImageScanRunner"/>); a version submitted by reference has
    /// no blob until its scan pulls it (<see cref="Scan.Target"/> is the reference).
    /// </summary>
    Image,
    /// <summary>
    /// A Helm chart (artifact type <c>chart</c>, issue 18): the uploaded chart <c>.tgz</c>, read and rendered with the real
    /// Helm by the engine, its rendered objects checked, and every image it references checked against the approved images
    /// (<see cref="Charts.ChartScanRunner"/>).
    /// </summary>
    Chart,
}
