using System.Text.Json.Serialization;

namespace Gatehouse.Analysis.Vulnerabilities.Osv;

/// <summary>The package an OSV <c>affected</c> entry is about; <see cref="Ecosystem"/> and <see cref="Name"/> are required by the schema.</summary>
public sealed record OsvPackage
{
    /// <summary>The OSV ecosystem, e.g. <c>npm</c>, <c>PyPI</c>, <c>Maven</c>, <c>Debian:12</c> (may carry a <c>:RELEASE</c> suffix).</summary>
    [JsonPropertyName("ecosystem")] public required string Ecosystem { get; init; }

    /// <summary>The package name as the ecosystem spells it, e.g. <c>org.apache.logging.log4j:log4j-core</c>.</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }

    /// <summary>The package URL without version, when given.</summary>
    [JsonPropertyName("purl")] public string? Purl { get; init; }
}
