namespace Gatehouse.Analysis.Vulnerabilities.Sbom;

/// <summary>
/// The artifact an SBOM describes (its <c>metadata.component</c>): a name (the file or app name), an optional version,
/// the SHA-256 of its bytes (lower-case hex) and its type.
/// </summary>
/// <param name="Name">The artifact's name as the user knows it (file name or app name).</param>
/// <param name="Version">The app version, when known; null for a bare file.</param>
/// <param name="Sha256">SHA-256 of the artifact's bytes, 64 lower-case hex digits.</param>
/// <param name="Type">What kind of artifact it is.</param>
public sealed record SbomSubject(string Name, string? Version, string Sha256, SbomSubjectType Type)
{
    /// <summary>
    /// The subject type for a Gatehouse app type (<c>downloadable</c>, <c>web</c>, <c>container</c>, <c>chart</c>):
    /// container images are <see cref="SbomSubjectType.Container"/>, everything else an <see cref="SbomSubjectType.Application"/>.
    /// </summary>
    public static SbomSubjectType TypeForAppType(string? appType) =>
        string.Equals(appType, "container", StringComparison.OrdinalIgnoreCase) ? SbomSubjectType.Container : SbomSubjectType.Application;
}
