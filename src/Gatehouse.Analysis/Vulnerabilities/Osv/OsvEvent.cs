using System.Text.Json.Serialization;

namespace Gatehouse.Analysis.Vulnerabilities.Osv;

/// <summary>
/// One OSV range event. Exactly one of the four members is set in a well-formed event; an event with none or several
/// makes its range evaluate to <see cref="OsvAffectedness.Unknown"/>.
/// </summary>
public sealed record OsvEvent
{
    /// <summary>The first affected version; <c>0</c> means "from the beginning".</summary>
    [JsonPropertyName("introduced")] public string? Introduced { get; init; }

    /// <summary>The first version with the fix (not affected).</summary>
    [JsonPropertyName("fixed")] public string? Fixed { get; init; }

    /// <summary>The last affected version (affected; later ones are not).</summary>
    [JsonPropertyName("last_affected")] public string? LastAffected { get; init; }

    /// <summary>An upper bound (exclusive) on the whole range; <c>*</c> means none.</summary>
    [JsonPropertyName("limit")] public string? Limit { get; init; }
}
