using System.Text.Json;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Data;

namespace Gatehouse.Server.Audit;

/// <summary>Verifies the audit chain in the background and records the outcome in the chain itself.</summary>
internal sealed class AuditVerifyHandler(GatehouseDb db, AuditLog audit, ILogger<AuditVerifyHandler> logger) : IWorkHandler
{
    public const string KindName = "audit.verify";
    public string Kind => KindName;

    public async Task<string?> RunAsync(WorkItem item, CancellationToken ct)
    {
        var result = await AuditApi.VerifyChainAsync(db, ct);
        if (!result.Intact)
            logger.LogCritical("Audit chain broken at entry {Sequence}: {Code} {Message}",
                result.Break!.Sequence, result.Break.Code, result.Break.Message);
        await audit.AppendAsync(new AuditEvent(AuditActions.AuditVerified, "system",
            Data: new { result.Intact, result.Verified, result.HeadSequence, brokenAt = result.Break?.Sequence, code = result.Break?.Code }), ct);
        return JsonSerializer.Serialize(result, JsonSerializerOptions.Web);
    }
}
