namespace Gatehouse.Analysis.Vulnerabilities.Matching;

/// <summary>
/// CVSS base scores computed from vectors: v3.0/v3.1 with the FIRST specification's formula and Roundup, v4.0 with the
/// specification's MacroVector table and interpolation. Pure, never throws.
/// </summary>
public static class Cvss
{
    /// <summary>
    /// Parses <paramref name="vector"/> (<c>CVSS:3.1/AV:N/...</c>, <c>CVSS:3.0/...</c> or <c>CVSS:4.0/...</c>) and computes
    /// its base score. False when the vector is not a complete, valid base vector of a supported version.
    /// </summary>
    public static bool TryParse(string vector, out CvssScore score) => throw new NotImplementedException();
}
