namespace Gatehouse.Analysis.Vulnerabilities.Vex;

/// <summary>
/// Why a VEX document was refused. <see cref="Code"/> is stable (<see cref="Invalid"/>, <see cref="TooLarge"/>,
/// <see cref="Unsupported"/>); <see cref="Message"/> is for people and may change.
/// </summary>
public sealed record VexParseError(string Code, string Message)
{
    /// <summary>Not JSON, a required field missing, an unknown status or justification, <c>not_affected</c> without a
    /// justification or impact statement, a duplicate key, nested too deep.</summary>
    public const string Invalid = "vex.invalid";

    /// <summary>More bytes or statements than the parser's limits.</summary>
    public const string TooLarge = "vex.too-large";

    /// <summary>Not a format Gatehouse reads: CSAF VEX, CycloneDX XML, OpenVEX before v0.2.0.</summary>
    public const string Unsupported = "vex.unsupported";
}
