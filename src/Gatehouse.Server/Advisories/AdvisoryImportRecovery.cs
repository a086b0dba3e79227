using System.Globalization;
using System.Text.Json;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Advisories;

/// <summary>
/// Catches up an import whose audit entry and re-match were lost: the store (its own SQLite file) commits before the
/// server's save, so a process killed in between leaves changed advisories that no <c>advisories.imported</c> entry
/// mentions and no re-match followed. Each pass of the reconciler compares the store's
/// <see cref="AdvisoryStore.LastChange"/> with the <c>storeChangedAt</c> of the newest entry, and when the store is newer
/// (by more than <see cref="Grace"/>, so an import still saving its entry is not raced) records the entry and starts the
/// observers' work (<see cref="AdvisoryImports.RecoverAsync"/>). Cheap when nothing is missing: one row of the store, one
/// indexed row of the audit log.
/// </summary>
internal sealed class AdvisoryImportRecovery(AdvisoryStore store, GatehouseDb db, AdvisoryImports imports, TimeProvider time) : IReconcilerStep
{
    /// <summary>How long after a change an import may still be saving its own entry.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    public string Name => "advisories.recovery";

    public async Task RunAsync(CancellationToken ct)
    {
        if (store.LastChange() is not { } changed || time.GetUtcNow() - changed < Grace) return;
        var data = await db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == AuditActions.AdvisoriesImported)
            .OrderByDescending(e => e.Sequence)
            .Select(e => e.Data)
            .FirstOrDefaultAsync(ct);
        if (RecordedChange(data) is { } recorded && recorded >= changed) return;
        await imports.RecoverAsync(changed, ct);
    }

    /// <summary>The <c>storeChangedAt</c> an entry's data records; null when absent (an entry written before it existed).</summary>
    internal static DateTimeOffset? RecordedChange(string? data)
    {
        if (string.IsNullOrEmpty(data)) return null;
        try
        {
            using var doc = JsonDocument.Parse(data);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("storeChangedAt", out var v) && v.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
                ? at : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
