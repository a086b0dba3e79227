using System.Text.Json;
using Gatehouse.Analysis.Probes;
using Gatehouse.Server.Data;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Scanning.Probes;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>
/// A version's probe target: the scan's base URL (https only), the version's declared endpoints and the app's first
/// active https lifecycle webhook.
/// </summary>
internal sealed class VersionProbeTargets(GatehouseDb db) : IProbeTargets
{
    public async Task<(ProbeTarget? Target, string? Problem)> ResolveAsync(Scan scan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        if (!Uri.TryCreate(scan.Target, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme != Uri.UriSchemeHttps)
            return (null, $"the target {scan.Target} is not an absolute https URL");
        var v = scan.SubjectId is { } id ? await db.AppVersions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) : null;
        if (v is null) return (null, "the probed version does not exist");
        IReadOnlyList<string> endpoints;
        try { endpoints = ProbeEndpoints.Parse(v.EndpointsJson); }
        catch (JsonException) { return (null, "the version's declared endpoints are not a JSON array of strings"); }
        var hooks = await db.WebhookEndpoints.AsNoTracking().Where(w => w.AppId == v.AppId && w.Active)
            .OrderBy(w => w.CreatedAt).Select(w => w.Url).ToListAsync(ct);
        var hook = hooks.Select(u => Uri.TryCreate(u, UriKind.Absolute, out var h) && h.Scheme == Uri.UriSchemeHttps ? h : null).FirstOrDefault(h => h is not null);
        return (new ProbeTarget(baseUrl) { Endpoints = endpoints, WebhookUrl = hook }, null);
    }
}
