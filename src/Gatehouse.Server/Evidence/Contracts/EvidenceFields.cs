using Microsoft.AspNetCore.Mvc;

namespace Gatehouse.Server.Evidence;

/// <summary>An upload's fields, in the query of <c>POST /api/orgs/{orgId}/evidence</c> (the body is the file).</summary>
/// <param name="ValidFrom">ISO 8601 date or date-time; without an offset the time is UTC.</param>
/// <param name="ValidUntil">ISO 8601 date or date-time, after <paramref name="ValidFrom"/>.</param>
/// <param name="Name">The file's name, as the organisation knows it.</param>
public sealed record EvidenceFields(
    [FromQuery(Name = "type")] string? Type = null,
    [FromQuery(Name = "issuer")] string? Issuer = null,
    [FromQuery(Name = "scope")] string? Scope = null,
    [FromQuery(Name = "validFrom")] string? ValidFrom = null,
    [FromQuery(Name = "validUntil")] string? ValidUntil = null,
    [FromQuery(Name = "name")] string? Name = null);
