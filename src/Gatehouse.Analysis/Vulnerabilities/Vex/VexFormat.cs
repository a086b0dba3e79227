namespace Gatehouse.Analysis.Vulnerabilities.Vex;

/// <summary>Which VEX format a document was written in.</summary>
public enum VexFormat
{
    /// <summary>OpenVEX (<c>@context</c> <c>https://openvex.dev/ns/v0.2.0</c>).</summary>
    OpenVex,

    /// <summary>A CycloneDX BOM with <c>vulnerabilities[].analysis</c> (CycloneDX VEX, JSON).</summary>
    CycloneDx,
}
