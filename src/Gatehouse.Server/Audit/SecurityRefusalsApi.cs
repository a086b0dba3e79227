using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Audit;

/// <summary>The recorded security refusals (the <c>security.refused.*</c> audit entries), for admins.</summary>
internal static class SecurityRefusalsApi
{
    public const int MaxPage = 500;

    public static IEndpointRouteBuilder MapSecurityRefusalsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/security/refusals").WithTags("Audit").RequireAuthorization(Policies.Admin)
            .MapGet("/", List).WithName("ListSecurityRefusals").WithSummary("List recent refused requests (security events).");
        return app;
    }

    /// <summary>
    /// Refusal entries, newest first, optionally by reason, actor (as stored, or a client address) and time
    /// (<paramref name="from"/> inclusive, <paramref name="to"/> exclusive); page on with <c>before=next</c>.
    /// </summary>
    public static async Task<Results<Ok<RefusalPage>, ProblemHttpResult>> List(
        GatehouseDb db, CancellationToken ct, string? reason = null, string? actor = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, long? before = null, int limit = 100)
    {
        if (limit is < 1 or > MaxPage) return Problems.Invalid($"limit must be between 1 and {MaxPage}");
        if (reason is not null && reason != RefusalReasons.Overflow && !RefusalReasons.All.Contains(reason))
            return Problems.Invalid("reason is not a known refusal reason (docs/audit.md#security-refusals)");
        var q = db.AuditEntries.AsNoTracking();
        q = reason is null
            ? q.Where(e => e.Action.StartsWith(SecurityRefusals.ActionPrefix))
            : q.Where(e => e.Action == SecurityRefusals.ActionPrefix + reason);
        if (actor is not null) q = q.Where(e => e.Actor == actor || e.ClientAddress == actor);
        if (from is { } f) { var ms = f.ToUnixTimeMilliseconds(); q = q.Where(e => e.AtUnixMs >= ms); }
        if (to is { } t) { var ms = t.ToUnixTimeMilliseconds(); q = q.Where(e => e.AtUnixMs < ms); }
        if (before is { } b) q = q.Where(e => e.Sequence < b);
        var rows = await q.OrderByDescending(e => e.Sequence).Take(limit).ToListAsync(ct);
        long? next = rows.Count == limit ? rows[^1].Sequence : null;
        return TypedResults.Ok(new RefusalPage([.. rows.Select(ToEntry)], next));
    }

    private static RefusalEntry ToEntry(AuditEntry e)
    {
        using var doc = JsonDocument.Parse(e.Data);
        var d = doc.RootElement;
        long Long(string name) => d.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : 0;
        List<string> Strings(string name) => d.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Array
            ? [.. p.EnumerateArray().Select(x => x.GetString() ?? "")] : [];
        Dictionary<string, long>? reasons = d.TryGetProperty("reasons", out var r) && r.ValueKind == JsonValueKind.Object
            ? r.EnumerateObject().ToDictionary(x => x.Name, x => x.Value.GetInt64()) : null;
        return new RefusalEntry(e.Sequence, e.AtUnixMs, e.Action[SecurityRefusals.ActionPrefix.Length..], e.Actor, e.ClientAddress,
            Long("count"), Long("firstAtUnixMs"), Long("lastAtUnixMs"), Strings("subjects"), Long("otherSubjects"), Strings("addresses"), reasons);
    }
}

/// <summary>A page of refusal entries; <c>next</c> is the <c>before</c> of the next (older) page, or null.</summary>
internal sealed record RefusalPage(IReadOnlyList<RefusalEntry> Entries, long? Next);

/// <summary>One <c>security.refused.*</c> audit entry, its data unpacked.</summary>
internal sealed record RefusalEntry(
    long Sequence, long AtUnixMs, string Reason, string Actor, string? ClientAddress, long Count,
    long FirstAtUnixMs, long LastAtUnixMs, IReadOnlyList<string> Subjects, long OtherSubjects,
    IReadOnlyList<string> Addresses, IReadOnlyDictionary<string, long>? Reasons);
