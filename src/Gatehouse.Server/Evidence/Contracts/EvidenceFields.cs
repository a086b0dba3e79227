using Microsoft.AspNetCore.Mvc;

namespace Gatehouse.Server.Evidence;

/// <summary>An upload's fields, in the query of <c>POST /api/orgs/{orgId}/evidence</c> (the body is the file).</summary>
/// <remarks>
/// Settable properties rather than a positional record: the build-time request delegate generator cannot bind a
/// constructor whose parameters are nullable reference types.
/// </remarks>
public sealed record EvidenceFields
{
    [FromQuery(Name = "type")] public string? Type { get; init; }
    [FromQuery(Name = "issuer")] public string? Issuer { get; init; }
    [FromQuery(Name = "scope")] public string? Scope { get; init; }
    /// <summary>ISO 8601 date or date-time; without an offset the time is UTC.</summary>
    [FromQuery(Name = "validFrom")] public string? ValidFrom { get; init; }
    /// <summary>ISO 8601 date or date-time, after <see cref="ValidFrom"/>.</summary>
    [FromQuery(Name = "validUntil")] public string? ValidUntil { get; init; }
    /// <summary>The file's name, as the organisation knows it.</summary>
    [FromQuery(Name = "name")] public string? Name { get; init; }
}
