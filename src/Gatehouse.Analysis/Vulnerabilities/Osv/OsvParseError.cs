namespace Gatehouse.Analysis.Vulnerabilities.Osv;

/// <summary>
/// Why an OSV document was rejected. <see cref="Code"/> is stable (<see cref="Invalid"/>, <see cref="TooLarge"/>);
/// <see cref="Message"/> is for people and may change.
/// </summary>
public sealed record OsvParseError(string Code, string Message)
{
    /// <summary>Not JSON, not an OSV record, a required field missing, a wrong type, a duplicate key, too deep.</summary>
    public const string Invalid = "osv.invalid";

    /// <summary>Larger than the parser's byte limit.</summary>
    public const string TooLarge = "osv.too-large";
}
