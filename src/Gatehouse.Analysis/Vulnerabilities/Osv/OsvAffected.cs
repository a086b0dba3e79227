using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Analysis.Vulnerabilities.Osv;

/// <summary>
/// One OSV <c>affected</c> entry: a package and the versions of it that are affected, as an explicit
/// <see cref="Versions"/> list and/or <see cref="Ranges"/>. Evaluate it with <see cref="OsvRangeEvaluator"/>.
/// </summary>
public sealed record OsvAffected
{
    /// <summary>The package; absent only in records that describe a bare git repository.</summary>
    [JsonPropertyName("package")] public OsvPackage? Package { get; init; }

    /// <summary>Per-package severity (schema 1.3+).</summary>
    [JsonPropertyName("severity")] public IReadOnlyList<OsvSeverity> Severity { get; init; } = [];

    /// <summary>Ranges of affected versions.</summary>
    [JsonPropertyName("ranges")] public IReadOnlyList<OsvRange> Ranges { get; init; } = [];

    /// <summary>Affected versions, enumerated.</summary>
    [JsonPropertyName("versions")] public IReadOnlyList<string> Versions { get; init; } = [];

    /// <summary>Ecosystem-defined data (e.g. affected functions), uninterpreted.</summary>
    [JsonPropertyName("ecosystem_specific")] public JsonElement? EcosystemSpecific { get; init; }

    /// <summary>Database-defined data, uninterpreted.</summary>
    [JsonPropertyName("database_specific")] public JsonElement? DatabaseSpecific { get; init; }
}
