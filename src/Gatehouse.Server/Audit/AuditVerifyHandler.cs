using System.Text.Json;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Data;

namespace Gatehouse.Server.Audit;

/// <summary>
/// Verifies the audit chain in the background, compares state with it (<see cref="AuditGaps"/>), and records the
/// outcome in the chain itself. A broken chain and state changes without an entry are both logged as critical: alert on them.
/// </summary>
internal sealed class AuditVerifyHandler(GatehouseDb db, AuditLog audit, AuditGaps gaps, ILogger<AuditVerifyHandler> logger) : IWorkHandler
{
    public const string KindName = "audit.verify";
    public string Kind => KindName;

    public async Task<string?> RunAsync(WorkItem item, CancellationToken ct)
    {
        var result = await AuditApi.VerifyChainAsync(db, ct);
        if (!result.Intact)
            logger.LogCritical("Audit chain broken at entry {Sequence}: {Code} {Message}",
                result.Break!.Sequence, result.Break.Code, result.Break.Message);
        var report = await gaps.FindAsync(ct);
        if (report.GapCount > 0)
        {
            var oldest = report.Gaps[0];
            logger.LogCritical("Audit gaps: {Count} state changes without an audit entry; the oldest: {Kind} {Subject} ({Action}) at {At:O}",
                report.GapCount, oldest.Kind, oldest.Subject, oldest.Action, oldest.At);
        }
        await audit.AppendAsync(new AuditEvent(AuditActions.AuditVerified, "system",
            Data: new { result.Intact, result.Verified, result.HeadSequence, brokenAt = result.Break?.Sequence, code = result.Break?.Code, gaps = report.GapCount }), ct);
        // The work item keeps the summary; the gaps themselves are read from GET /api/audit/verify.
        return JsonSerializer.Serialize(new { result.Intact, result.Verified, result.HeadSequence, result.HeadHash, result.Break, gapCount = report.GapCount },
            JsonSerializerOptions.Web);
    }
}
