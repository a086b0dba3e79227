using System.Text.Json;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Audit;

/// <summary>
/// The reads <see cref="IAuditGapCheck"/>s share. Each reads only the entries of the actions asked for (the
/// <c>Action</c> column is indexed) and only the columns it needs, so a check costs one pass over those entries,
/// never one query per state row and never the whole chain in memory.
/// </summary>
internal static class AuditGapQueries
{
    /// <summary>
    /// The subjects of the entries with one of <paramref name="actions"/>. Compared without regard to case: ids are
    /// written by <c>Guid.ToString()</c> (lower case), and SQLite keeps Guid columns in upper case.
    /// </summary>
    public static async Task<HashSet<string>> SubjectsAsync(GatehouseDb db, IReadOnlyCollection<string> actions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var subjects = await db.AuditEntries.AsNoTracking().Where(e => actions.Contains(e.Action) && e.Subject != null)
            .Select(e => e.Subject!).Distinct().ToListAsync(ct);
        return new HashSet<string>(subjects, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>How many entries each (subject, action) pair has, counted in the database. Subjects are lower-cased.</summary>
    public static async Task<Dictionary<(string Subject, string Action), int>> CountsAsync(GatehouseDb db, IReadOnlyCollection<string> actions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.AuditEntries.AsNoTracking().Where(e => actions.Contains(e.Action) && e.Subject != null)
            .GroupBy(e => new { e.Subject, e.Action }).Select(g => new { g.Key.Subject, g.Key.Action, Count = g.Count() }).ToListAsync(ct);
        var counts = new Dictionary<(string, string), int>();
        foreach (var r in rows)
        {
            var key = (r.Subject!.ToLowerInvariant(), r.Action);
            counts[key] = counts.GetValueOrDefault(key) + r.Count;
        }
        return counts;
    }

    /// <summary>The subject and data of the entries with one of <paramref name="actions"/> (for ids and digests named in the data).</summary>
    public static async Task<List<(string? Subject, string Data)>> DataAsync(GatehouseDb db, IReadOnlyCollection<string> actions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.AuditEntries.AsNoTracking().Where(e => actions.Contains(e.Action))
            .Select(e => new { e.Subject, e.Data }).ToListAsync(ct);
        return rows.Select(r => (r.Subject, r.Data)).ToList();
    }

    /// <summary>The subject and time of the entries with one of <paramref name="actions"/> (for matching by count and time).</summary>
    public static async Task<List<(string Subject, long AtUnixMs)>> TimesAsync(GatehouseDb db, IReadOnlyCollection<string> actions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.AuditEntries.AsNoTracking().Where(e => actions.Contains(e.Action) && e.Subject != null)
            .Select(e => new { e.Subject, e.AtUnixMs }).ToListAsync(ct);
        return rows.Select(r => (r.Subject!, r.AtUnixMs)).ToList();
    }

    /// <summary>
    /// The string values of <paramref name="property"/> in the objects of the array <paramref name="array"/> at the top of
    /// an entry's data (the ids of the suspensions a lift ended, <c>lifted[].id</c>).
    /// </summary>
    public static IEnumerable<string> Strings(string? data, string array, string property)
    {
        if (string.IsNullOrEmpty(data)) return [];
        try
        {
            using var doc = JsonDocument.Parse(data);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty(array, out var items)
                || items.ValueKind != JsonValueKind.Array) return [];
            return items.EnumerateArray()
                .Where(i => i.ValueKind == JsonValueKind.Object && i.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String)
                .Select(i => i.GetProperty(property).GetString()!).ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>
    /// The string values of <paramref name="property"/> at the top of an entry's data: a string, or an array's strings
    /// (the ids of tokens revoked with their parent, of keys revoked by the kill switch). Anything else, or data that is
    /// not JSON, gives none.
    /// </summary>
    public static IEnumerable<string> Strings(string? data, string property)
    {
        if (string.IsNullOrEmpty(data)) return [];
        try
        {
            using var doc = JsonDocument.Parse(data);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty(property, out var value)) return [];
            return value.ValueKind switch
            {
                JsonValueKind.String => [value.GetString()!],
                JsonValueKind.Array => value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList(),
                _ => [],
            };
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
