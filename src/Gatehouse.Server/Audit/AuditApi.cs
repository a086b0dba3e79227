using Gatehouse.Analysis.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Audit;

/// <summary>Reading and verifying the audit log (admins only).</summary>
internal static class AuditApi
{
    public const int MaxPage = 10_000;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Policies.Admin);
        g.MapGet("/", List).WithName("ListAuditEntries").WithSummary("List audit log entries.");
        g.MapGet("/verify", Verify).WithName("VerifyAuditChain")
            .WithSummary("Verify the audit log's hash chain and find state changes (transitions, decisions, uploads, tokens, keys) without an audit entry.");
        g.MapGet("/gaps", Gaps).WithName("FindAuditGaps")
            .WithSummary("List state changes (transitions, decisions, uploads, tokens, keys) that have no audit entry.");
        return app;
    }

    /// <summary>
    /// Entries after sequence <paramref name="after"/>, oldest first. Unfiltered pages are what
    /// <c>gatehouse audit verify</c> checks independently; filters are for searching.
    /// </summary>
    public static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> List(
        GatehouseDb db, CancellationToken ct, long after = 0, int limit = 100,
        string? action = null, string? actor = null, string? org = null)
    {
        if (limit is < 1 or > MaxPage) return Problems.Invalid($"limit must be between 1 and {MaxPage}");
        var q = db.AuditEntries.AsNoTracking().Where(e => e.Sequence > after);
        if (action is not null) q = q.Where(e => e.Action == action);
        if (actor is not null) q = q.Where(e => e.Actor == actor);
        if (org is not null) q = q.Where(e => e.OrganizationId == org);
        var rows = await q.OrderBy(e => e.Sequence).Take(limit).ToListAsync(ct);
        long? next = rows.Count == limit ? rows[^1].Sequence : null;
        return TypedResults.Ok(new AuditPage(rows.Select(r => r.ToData()).ToList(), next));
    }

    /// <summary>
    /// Server-side check of the whole chain, streaming in pages, and of state against the chain (<see cref="AuditGaps"/>).
    /// <c>intact</c> keeps its meaning (the chain holds); <c>ok</c> is new: the chain holds and no state change lacks its entry.
    /// </summary>
    public static async Task<Ok<AuditVerifyResult>> Verify(GatehouseDb db, [FromServices] AuditGaps gaps, CancellationToken ct)
    {
        var chain = await VerifyChainAsync(db, ct);
        var report = await gaps.FindAsync(ct);
        return TypedResults.Ok(AuditVerifyResult.From(chain, report));
    }

    /// <summary>Only the comparison of state with the chain: what <c>gatehouse audit verify</c> asks after checking the chain itself.</summary>
    public static async Task<Ok<AuditGapReport>> Gaps([FromServices] AuditGaps gaps, CancellationToken ct) =>
        TypedResults.Ok(await gaps.FindAsync(ct));

    internal static async Task<AuditVerification> VerifyChainAsync(GatehouseDb db, CancellationToken ct)
    {
        var verifier = AuditChain.CreateVerifier();
        long after = 0;
        while (true)
        {
            var page = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence > after)
                .OrderBy(e => e.Sequence).Take(MaxPage).ToListAsync(ct);
            foreach (var row in page)
                if (!verifier.Add(row.ToData())) goto done;
            if (page.Count < MaxPage) break;
            after = page[^1].Sequence;
        }
    done:
        return new AuditVerification(verifier.Break is null, verifier.Verified, verifier.HeadSequence, verifier.HeadHash, verifier.Break);
    }
}

internal sealed record AuditPage(IReadOnlyList<AuditEntryData> Entries, long? Next);
public sealed record AuditVerification(bool Intact, long Verified, long HeadSequence, string HeadHash, ChainBreak? Break);
