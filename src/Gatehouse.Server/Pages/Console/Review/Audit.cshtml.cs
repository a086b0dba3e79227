using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Pages.Console.Review;

/// <summary>
/// An app's audit trail, newest first, paged by sequence: entries about the app, its versions or its suppressions,
/// and entries whose data names the app (<c>"app":"slug"</c>).
/// </summary>
public sealed class AuditModel(GatehouseDb db, AppAccess apps) : PageModel
{
    public const int PageSize = 50;

    public App App { get; private set; } = null!;
    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Emails { get; private set; } = new Dictionary<string, string>();
    /// <summary>What each subject id is (a version number, "the app", "suppression of …").</summary>
    public IReadOnlyDictionary<string, string> Subjects { get; private set; } = new Dictionary<string, string>();
    /// <summary>The sequence to page on from (older entries), or null on the last page.</summary>
    public long? Older { get; private set; }
    public long? Before { get; private set; }

    public async Task<IActionResult> OnGetAsync(string app, long? before, CancellationToken ct)
    {
        if (await apps.FindAsync(User, app, ct) is not { } row) return NotFound();
        App = row;
        Before = before;
        var versions = await db.AppVersions.AsNoTracking().Where(v => v.AppId == row.Id).Select(v => new { v.Id, v.Version }).ToListAsync(ct);
        var suppressions = await db.Suppressions.AsNoTracking().Where(s => s.AppId == row.Id).Select(s => new { s.Id, s.RuleId }).ToListAsync(ct);
        var subjects = new Dictionary<string, string>(StringComparer.Ordinal) { [row.Id.ToString()] = "the app", [row.Slug] = "the app" };
        foreach (var v in versions) subjects[v.Id.ToString()] = $"version {v.Version}";
        foreach (var s in suppressions) subjects[s.Id.ToString()] = $"suppression of {s.RuleId}";
        Subjects = subjects;
        var keys = subjects.Keys.ToList();
        var names = $"\"app\":\"{row.Slug}\"";
        var q = db.AuditEntries.AsNoTracking().Where(e => (e.Subject != null && keys.Contains(e.Subject)) || e.Data.Contains(names));
        if (before is { } b) q = q.Where(e => e.Sequence < b);
        var rows = await q.OrderByDescending(e => e.Sequence).Take(PageSize + 1).ToListAsync(ct);
        Older = rows.Count > PageSize ? rows[PageSize - 1].Sequence : null;
        Entries = [.. rows.Take(PageSize)];
        Emails = await ReviewPages.EmailsAsync(db, Entries.Select(e => e.Actor), ct);
        return Page();
    }

    public static DateTimeOffset At(AuditEntry e) => DateTimeOffset.FromUnixTimeMilliseconds(e.AtUnixMs);
}
