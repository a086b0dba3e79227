using System.Collections.Concurrent;
using System.Text.Json;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Charts;

/// <summary>
/// Each chart version's name, version and appVersion, read from its scan's report (<c>chart</c>, the engine's
/// <see cref="Gatehouse.Analysis.Charts.ChartSummary"/>) once and kept per scan (a stored report never changes), so a
/// repository index does not re-read reports on every request. In memory, bounded.
/// </summary>
internal sealed class ChartIdentities
{
    /// <summary>Most scans remembered; past it the cache starts again (it only saves reads).</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<Guid, ChartIdentity?> _byScan = new();

    /// <summary>The identity of each scan in <paramref name="scanIds"/> whose report has a chart summary.</summary>
    public async Task<Dictionary<Guid, ChartIdentity>> ForScansAsync(GatehouseDb db, IReadOnlyCollection<Guid> scanIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var missing = scanIds.Where(id => !_byScan.ContainsKey(id)).Distinct().ToList();
        if (missing.Count > 0)
        {
            if (_byScan.Count + missing.Count > MaxEntries) _byScan.Clear();
            foreach (var batch in missing.Chunk(100))
            {
                var reports = await db.Scans.AsNoTracking().Where(s => batch.Contains(s.Id) && s.ReportJson != null)
                    .Select(s => new { s.Id, s.ReportJson }).ToListAsync(ct);
                foreach (var r in reports) _byScan[r.Id] = Read(r.ReportJson!);
            }
        }
        var found = new Dictionary<Guid, ChartIdentity>();
        foreach (var id in scanIds)
            if (_byScan.TryGetValue(id, out var identity) && identity is not null) found[id] = identity;
        return found;
    }

    /// <summary>The report's <c>chart</c> name, version and appVersion; null without them (not a chart, or unreadable).</summary>
    internal static ChartIdentity? Read(string reportJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(reportJson);
            if (!doc.RootElement.TryGetProperty("chart", out var chart) || chart.ValueKind != JsonValueKind.Object) return null;
            var name = Text(chart, "name");
            var version = Text(chart, "version");
            return string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version) ? null : new ChartIdentity(name, version, Text(chart, "appVersion"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement o, string property) =>
        o.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
