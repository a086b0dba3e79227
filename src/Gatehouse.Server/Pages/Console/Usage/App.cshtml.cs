using Gatehouse.Server.Apps;
using Gatehouse.Server.Console;
using Gatehouse.Server.Usage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages.Console.Usage;

/// <summary>
/// An app's platform usage (issue 20): calls and refusals per hour (last 7 days) or per day (last 30), top endpoints and
/// installations, risk, throttle and suspensions, and alerts with their evidence. Staff and members of the app's
/// organisation see it (anyone else: 404, as for the app); staff acknowledge and resolve alerts here, through the
/// service the API uses (<see cref="UsageAlertsService"/>), so the rules and the audit are the same.
/// </summary>
internal sealed class AppModel(AppAccess access, UsageQueries queries, UsageAlertsService alerts, TimeProvider time) : PageModel
{
    public App App { get; private set; } = null!;
    public bool Daily { get; private set; }
    public bool Staff { get; private set; }
    public UsageSeriesInfo Series { get; private set; } = null!;
    public BarChart CallsChart { get; private set; } = null!;
    public BarChart ErrorsChart { get; private set; } = null!;
    public UsageEndpointsInfo Endpoints { get; private set; } = null!;
    public UsageInstallationsInfo Installations { get; private set; } = null!;
    public IReadOnlyList<UsageAlertInfo> Alerts { get; private set; } = [];
    public UsageRiskInfo Risk { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string app, string? bucket, CancellationToken ct)
    {
        if (await access.FindAsync(User, app, ct) is not { } row) return NotFound();
        App = row;
        Daily = bucket == UsagePeriod.Day;
        Staff = await access.ActsAsStaffAsync(User);
        var period = UsagePeriod.Parse(null, null, Daily ? UsagePeriod.Day : UsagePeriod.Hour, time.GetUtcNow()).Value!;
        Series = await queries.SeriesAsync(row.Id, row.Slug, period, null, null, ct);
        (CallsChart, ErrorsChart) = UsageCharts.Build(Series);
        // The top lists cover the same days as the chart, cut to the hourly bound.
        var top = UsagePeriod.Parse(Daily ? period.To.AddDays(-UsagePeriod.MaxHourlyDays) : period.From, period.To, UsagePeriod.Hour, time.GetUtcNow()).Value!;
        Endpoints = await queries.EndpointsAsync(row.Id, row.Slug, top, null, UsageQueries.DefaultTop, ct);
        Installations = await queries.InstallationsAsync(row.Id, row.Slug, top, UsageQueries.DefaultTop, ct);
        Alerts = (await alerts.ListAsync(row, null, ct)).Value ?? [];
        Risk = await alerts.RiskAsync(row, ct);
        return Page();
    }

    /// <summary>Staff acknowledge an alert (<see cref="UsageAlertsService.AcknowledgeAsync"/>).</summary>
    public async Task<IActionResult> OnPostAcknowledgeAsync(string app, Guid alertId, string? reason, CancellationToken ct)
    {
        var result = await alerts.AcknowledgeAsync(HttpContext, app, alertId, new UsageAlertActionRequest(reason), ct);
        return Done(result.Refusal, "The alert is acknowledged; it still counts in the app's risk until it is resolved.");
    }

    /// <summary>Staff resolve an alert with a reason (<see cref="UsageAlertsService.ResolveAsync"/>).</summary>
    public async Task<IActionResult> OnPostResolveAsync(string app, Guid alertId, string? reason, CancellationToken ct)
    {
        var result = await alerts.ResolveAsync(HttpContext, app, alertId, new UsageAlertActionRequest(reason), ct);
        return Done(result.Refusal, "The alert is resolved.");
    }

    private IActionResult Done(Errors.Refusal? refusal, string success)
    {
        if (refusal is { Status: StatusCodes.Status404NotFound }) return NotFound();
        if (refusal is null) TempData["Flash"] = success;
        else TempData["UsageError"] = refusal.Message;
        return RedirectToPage();
    }
}
