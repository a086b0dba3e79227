using System.Globalization;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Scanning;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Pages.Console.Review;

/// <summary>
/// Suppression requests waiting for a reviewer: approve with an expiry (at most 365 days) or reject with a note,
/// through the suppression endpoints' handlers (<see cref="SuppressionsApi"/>), conflicts of interest refused there.
/// </summary>
public sealed class SuppressionsModel(GatehouseDb db, SuppressionWorkflow suppressions, TimeProvider time) : PageModel
{
    public sealed record Row(Suppression Suppression, App? App, string Organization, ScanFinding? Finding);

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyDictionary<string, string> Emails { get; private set; } = new Dictionary<string, string>();
    public string? Error { get; private set; }
    public Guid? ErrorFor { get; private set; }
    public string MinDate { get; private set; } = "";
    public string MaxDate { get; private set; } = "";
    public string DefaultDate { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Approves until the start (UTC) of <paramref name="expires"/> (a yyyy-MM-dd date).</summary>
    public async Task<IActionResult> OnPostApproveAsync(Guid suppressionId, string? expires, string? note, CancellationToken ct)
    {
        DateTimeOffset? at = DateOnly.TryParseExact(expires, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
            : null;
        var result = await suppressions.DecideAsync(HttpContext, suppressionId, new DecideSuppressionRequest(at, Blank(note)), SuppressionStates.Approved, ct);
        return await AfterAsync(suppressionId, result.Refusal, "approved", ct);
    }

    public async Task<IActionResult> OnPostRejectAsync(Guid suppressionId, string? note, CancellationToken ct)
    {
        var result = await suppressions.DecideAsync(HttpContext, suppressionId, new DecideSuppressionRequest(null, Blank(note)), SuppressionStates.Rejected, ct);
        return await AfterAsync(suppressionId, result.Refusal, "rejected", ct);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private async Task<IActionResult> AfterAsync(Guid id, Errors.Refusal? refusal, string done, CancellationToken ct)
    {
        if (refusal is not null)
        {
            if (refusal.Status == StatusCodes.Status404NotFound) return NotFound();
            Error = refusal.Message;
            ErrorFor = id;
            Response.StatusCode = refusal.Status;
            await LoadAsync(ct);
            return Page();
        }
        TempData["Flash"] = $"The suppression is {done}.";
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        MinDate = today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // The handler allows at most 365 days from now; the date's start (UTC) must not pass it.
        MaxDate = today.AddDays(365).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        DefaultDate = today.AddDays(90).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var rows = await db.Suppressions.AsNoTracking().Where(s => s.State == SuppressionStates.Requested).ToListAsync(ct);
        rows = [.. rows.OrderBy(s => s.RequestedAt).Take(200)];
        var appIds = rows.Select(s => s.AppId).Distinct().ToList();
        var appRows = await db.Apps.AsNoTracking().Where(a => appIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var orgIds = rows.Select(s => s.OrganizationId).Distinct().ToList();
        var orgs = await db.Organizations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var result = new List<Row>();
        foreach (var s in rows)
        {
            // The finding as last seen in one of the app's scans (the same lookup the request made).
            var versionIds = db.AppVersions.Where(v => v.AppId == s.AppId).Select(v => (Guid?)v.Id);
            var finding = await db.ScanFindings.AsNoTracking()
                .Where(f => f.Fingerprint == s.Fingerprint && db.Scans.Any(x => x.Id == f.ScanId && versionIds.Contains(x.SubjectId)))
                .OrderByDescending(f => f.Id).FirstOrDefaultAsync(ct);
            result.Add(new Row(s, appRows.GetValueOrDefault(s.AppId), orgs.GetValueOrDefault(s.OrganizationId) ?? "", finding));
        }
        Rows = result;
        Emails = await ReviewPages.EmailsAsync(db, rows.Select(r => r.RequestedBy), ct);
    }
}
