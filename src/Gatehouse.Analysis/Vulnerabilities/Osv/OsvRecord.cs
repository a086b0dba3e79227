using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Analysis.Vulnerabilities.Osv;

/// <summary>
/// One advisory in the OSV format (https://ossf.github.io/osv-schema/), as published by osv.dev, the GitHub Advisory
/// Database, RustSec, the Go vulnerability database and the distributions. Only the fields Gatehouse reads are modelled;
/// unknown fields are ignored. Read it with <see cref="OsvParser"/>, which enforces the required fields.
/// </summary>
public sealed record OsvRecord
{
    /// <summary>The advisory's ID, e.g. <c>GHSA-jfh8-c2jp-5v3q</c> (required).</summary>
    [JsonPropertyName("id")] public required string Id { get; init; }

    /// <summary>When the record last changed (required); imports are incremental by this.</summary>
    [JsonPropertyName("modified")] public required DateTimeOffset Modified { get; init; }

    /// <summary>When the advisory was first published.</summary>
    [JsonPropertyName("published")] public DateTimeOffset? Published { get; init; }

    /// <summary>When the advisory was withdrawn; a withdrawn advisory never matches.</summary>
    [JsonPropertyName("withdrawn")] public DateTimeOffset? Withdrawn { get; init; }

    /// <summary>Other IDs of the same vulnerability, e.g. its CVE.</summary>
    [JsonPropertyName("aliases")] public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>IDs of related but different vulnerabilities.</summary>
    [JsonPropertyName("related")] public IReadOnlyList<string> Related { get; init; } = [];

    /// <summary>One line of plain text.</summary>
    [JsonPropertyName("summary")] public string? Summary { get; init; }

    /// <summary>CommonMark text; untrusted, to be sanitised before display.</summary>
    [JsonPropertyName("details")] public string? Details { get; init; }

    /// <summary>Severity scores, e.g. <c>CVSS_V3</c> / <c>CVSS_V4</c> vectors.</summary>
    [JsonPropertyName("severity")] public IReadOnlyList<OsvSeverity> Severity { get; init; } = [];

    /// <summary>The affected packages and their versions.</summary>
    [JsonPropertyName("affected")] public IReadOnlyList<OsvAffected> Affected { get; init; } = [];

    /// <summary>Links about the vulnerability.</summary>
    [JsonPropertyName("references")] public IReadOnlyList<OsvReference> References { get; init; } = [];

    /// <summary>Whatever the publishing database adds (e.g. GitHub's <c>severity</c> and <c>cwe_ids</c>), uninterpreted.</summary>
    [JsonPropertyName("database_specific")] public JsonElement? DatabaseSpecific { get; init; }
}
