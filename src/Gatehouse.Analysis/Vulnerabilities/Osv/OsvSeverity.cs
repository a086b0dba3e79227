using System.Text.Json.Serialization;

namespace Gatehouse.Analysis.Vulnerabilities.Osv;

/// <summary>One OSV <c>severity</c> entry: <see cref="Type"/> is e.g. <c>CVSS_V3</c>, <c>CVSS_V4</c>, <c>Ubuntu</c>; <see cref="Score"/> is the vector string for CVSS types.</summary>
public sealed record OsvSeverity
{
    /// <summary>The scoring method, e.g. <c>CVSS_V3</c>.</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }

    /// <summary>For CVSS the vector, e.g. <c>CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H</c> (not a number).</summary>
    [JsonPropertyName("score")] public string? Score { get; init; }
}
