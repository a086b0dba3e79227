using System.Security.Claims;
using System.Text.Json;
using Gatehouse.Server.Data;

namespace Gatehouse.Server.Audit;

/// <summary>What happened, before it is sealed into the chain.</summary>
/// <param name="Action">Stable action ID, e.g. <c>auth.login.succeeded</c> (see <see cref="AuditActions"/>).</param>
/// <param name="Actor">User id, <c>system</c> or <c>anonymous</c>.</param>
public sealed record AuditEvent(
    string Action,
    string Actor,
    string? OrganizationId = null,
    string? Subject = null,
    string? ClientAddress = null,
    object? Data = null)
{
    /// <summary>An event done by the caller of <paramref name="http"/>.</summary>
    public static AuditEvent By(HttpContext http, string action, string? organizationId = null, string? subject = null, object? data = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var actor = http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";
        return new AuditEvent(action, actor, organizationId, subject, http.Connection.RemoteIpAddress?.ToString(), data);
    }
}

/// <summary>
/// Writes the hash-chained audit log. Two ways, and the difference matters (issue 14):
/// <list type="bullet">
/// <item><see cref="Record"/>: the event describes a change in a unit of work; it is sealed onto the chain by that unit's
/// next <c>SaveChangesAsync</c>, in the same transaction, so the change and its entry commit together or not at all.
/// Every audited state change uses this.</item>
/// <item><see cref="AppendAsync"/>: the event changes nothing else (a refusal, a failed sign-in, a verification run);
/// it is committed at once in a unit of work of its own, never with the caller's unsaved changes.</item>
/// </list>
/// </summary>
public sealed class AuditLog(IServiceScopeFactory scopes, TimeProvider time)
{
    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web);

    /// <summary>Stages <paramref name="ev"/> in <paramref name="db"/>: its next save seals it with the changes it describes.</summary>
    public void Record(GatehouseDb db, AuditEvent ev)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.StageAudit(Stage(ev));
    }

    /// <summary>Appends <paramref name="ev"/> on its own, committed before this returns (events that change nothing else).</summary>
    public async Task AppendAsync(AuditEvent ev, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        db.StageAudit(Stage(ev));
        await db.SaveChangesAsync(ct);
    }

    private StagedAuditEvent Stage(AuditEvent ev)
    {
        ArgumentNullException.ThrowIfNull(ev);
        var data = ev.Data is null ? "{}" : JsonSerializer.Serialize(ev.Data, DataJson);
        return new StagedAuditEvent(ev.Action, ev.Actor, ev.OrganizationId, ev.Subject, ev.ClientAddress, data,
            time.GetUtcNow().ToUnixTimeMilliseconds());
    }
}
