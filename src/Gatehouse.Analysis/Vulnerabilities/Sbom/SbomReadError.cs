namespace Gatehouse.Analysis.Vulnerabilities.Sbom;

/// <summary>
/// Why an SBOM was refused. <see cref="Code"/> is stable (<see cref="Invalid"/>, <see cref="TooLarge"/>,
/// <see cref="Unsupported"/>); <see cref="Message"/> is for people and may change.
/// </summary>
public sealed record SbomReadError(string Code, string Message)
{
    /// <summary>Not JSON, not a CycloneDX BOM, a wrong JSON type, a duplicate key, nested deeper than the limit.</summary>
    public const string Invalid = "sbom.invalid";

    /// <summary>More bytes or more components than the reader's limits.</summary>
    public const string TooLarge = "sbom.too-large";

    /// <summary>A format Gatehouse does not read: SPDX (JSON or tag-value), CycloneDX XML or protobuf, CycloneDX before 1.2.</summary>
    public const string Unsupported = "sbom.unsupported";
}
