using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Analysis.Pipeline;

/// <summary>
/// One thing an analyzer found. <see cref="Fingerprint"/> is stable across rescans of the same
/// content (it hashes the rule, the nested path and a rule-specific key, never a time or a counter),
/// so suppressions and "what changed" can follow a finding from version to version.
/// </summary>
/// <param name="RuleId">Stable rule ID, e.g. <c>archive.path-traversal</c>; each has <c>docs/rules/{id}.md</c>.</param>
/// <param name="Severity">Severity after policy.</param>
/// <param name="Path">Nested path: <c>outer.zip!/dir/inner.tar.gz!/file.txt</c>; the artifact's own name for whole-file findings.</param>
/// <param name="Message">What is wrong, for people. Never contains a secret in clear.</param>
/// <param name="Fingerprint">Lower-case hex, 32 characters; see <see cref="Fingerprints.Of"/>.</param>
public sealed record Finding(string RuleId, Severity Severity, string Path, string Message, string Fingerprint)
{
    /// <summary>The security requirement this rule verifies, e.g. <c>GH-FILE-3</c>.</summary>
    public string? RequirementId { get; init; }

    /// <summary>The analyzer that reported it.</summary>
    public string AnalyzerId { get; init; } = "";

    /// <summary>Redacted evidence (e.g. <c>AKIA…WXYZ</c>), safe to show and store.</summary>
    public string? Evidence { get; init; }

    /// <summary>1-based line in a text file, when known.</summary>
    public int? Line { get; init; }
}

/// <summary>Builds stable finding fingerprints.</summary>
public static class Fingerprints
{
    /// <summary>SHA-256 over the rule, the path and the parts, NUL-separated; first 128 bits, hex.</summary>
    public static string Of(string ruleId, string path, params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var sb = new StringBuilder(ruleId).Append('\0').Append(path);
        foreach (var p in parts) sb.Append('\0').Append(p);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())).AsSpan(0, 16));
    }
}
