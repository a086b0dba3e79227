using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Analysis.Vulnerabilities.Osv;

/// <summary>One OSV range: a <see cref="Type"/> (<c>SEMVER</c>, <c>ECOSYSTEM</c> or <c>GIT</c>) and its <see cref="Events"/>.</summary>
public sealed record OsvRange
{
    /// <summary><c>SEMVER</c>, <c>ECOSYSTEM</c> or <c>GIT</c>; other values are not evaluated.</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }

    /// <summary>For <c>GIT</c> ranges, the repository URL.</summary>
    [JsonPropertyName("repo")] public string? Repo { get; init; }

    /// <summary>The events, in any order (evaluation sorts them by version).</summary>
    [JsonPropertyName("events")] public IReadOnlyList<OsvEvent> Events { get; init; } = [];

    /// <summary>Database-defined data, uninterpreted.</summary>
    [JsonPropertyName("database_specific")] public JsonElement? DatabaseSpecific { get; init; }
}
