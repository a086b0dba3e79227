using System.Text.Json.Serialization;

namespace Gatehouse.Analysis.Vulnerabilities.Osv;

/// <summary>One OSV <c>references</c> entry. The URL is untrusted text: check its scheme before rendering it as a link.</summary>
public sealed record OsvReference
{
    /// <summary>e.g. <c>ADVISORY</c>, <c>FIX</c>, <c>WEB</c>, <c>PACKAGE</c>.</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }

    /// <summary>The link.</summary>
    [JsonPropertyName("url")] public string? Url { get; init; }
}
