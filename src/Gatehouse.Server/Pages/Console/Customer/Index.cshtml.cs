using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Pages.Console.Customer;

/// <summary>
/// The customer's side, for tenant admins: the tenants they administer, the published apps they can install,
/// what each tenant has installed, and signed download links for installed files. Every action goes through
/// the service the JSON API uses (<see cref="DownloadIssuer"/>, <see cref="AppClients"/>), so the rules and the audit are the same.
/// </summary>
public sealed class IndexModel(GatehouseDb db, DownloadIssuer issuer, AppClients clients) : PageModel
{
    public sealed record TenantView(Tenant Tenant, IReadOnlyList<InstalledApp> Installed, IReadOnlyList<App> Installable);
    public sealed record InstalledApp(Installation Installation, App App, AppVersion? Latest);

    public IReadOnlyList<TenantView> Tenants { get; private set; } = [];
    /// <summary>The signatures of each installed app's latest version, by version id (links to the bundle and the ticket, the key id).</summary>
    internal IReadOnlyDictionary<Guid, Signing.VersionSignatureSet> Signatures { get; private set; } = new Dictionary<Guid, Signing.VersionSignatureSet>();
    public IssuedUrl? Download { get; private set; }
    public string? DownloadFor { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostInstallAsync(Guid tenantId, string? app, CancellationToken ct)
    {
        var result = await issuer.InstallAsync(HttpContext, tenantId, new InstallRequest(app), ct);
        return await DoneAsync(result.Refusal, "The app is installed.", ct);
    }

    public async Task<IActionResult> OnPostUninstallAsync(Guid tenantId, Guid installationId, CancellationToken ct)
    {
        var result = await clients.UninstallAsync(HttpContext, tenantId, installationId, ct);
        return await DoneAsync(result.Refusal, "The app is uninstalled; its access and download links stopped.", ct);
    }

    public async Task<IActionResult> OnPostDownloadAsync(Guid tenantId, string? app, string? version, CancellationToken ct)
    {
        var result = await issuer.IssueAsync(HttpContext, app ?? "", version ?? "", new IssueUrlRequest(tenantId, null, false, null, null), ct);
        Download = result.Value;
        if (Download is not null) DownloadFor = $"{app} {version}";
        else Error = result.Refusal?.Message;
        await LoadAsync(ct);
        return Page();
    }

    private async Task<IActionResult> DoneAsync(Errors.Refusal? refusal, string flash, CancellationToken ct)
    {
        if (refusal is not null)
        {
            Error = refusal.Message;
            await LoadAsync(ct);
            return Page();
        }
        TempData["Flash"] = flash;
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var uid = User.Id();
        var tenants = await (from a in db.Set<TenantAdmin>() join t in db.Set<Tenant>() on a.TenantId equals t.Id
                             where a.UserId == uid orderby t.Name select t).ToListAsync(ct);
        var ids = tenants.Select(t => t.Id).ToList();
        var installs = await db.Set<Installation>().AsNoTracking().Where(i => ids.Contains(i.TenantId) && i.UninstalledAt == null).ToListAsync(ct);
        var published = await (from v in db.AppVersions join a in db.Apps on v.AppId equals a.Id
                               where v.State == VersionStates.Published select new { App = a, Version = v }).AsNoTracking().ToListAsync(ct);
        var latest = published.GroupBy(p => p.App.Id).ToDictionary(g => g.Key, g => g.OrderByDescending(p => p.Version.PublishedAt).First());
        Tenants = [.. tenants.Select(t =>
        {
            var mine = installs.Where(i => i.TenantId == t.Id && i.AppId is not null).ToList();
            var installed = mine.Select(i => latest.TryGetValue(i.AppId!.Value, out var l)
                    ? new InstalledApp(i, l.App, l.Version)
                    : null).Where(x => x is not null).Select(x => x!).OrderBy(x => x.App.Name, StringComparer.Ordinal).ToList();
            var installable = latest.Values.Select(l => l.App)
                .Where(a => a.Type != AppTypes.WebIntegration && mine.All(i => i.AppId != a.Id))
                .OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
            return new TenantView(t, installed, installable);
        })];
        var shown = Tenants.SelectMany(t => t.Installed).Where(i => i.Latest is not null).Select(i => (i.App, i.Latest!)).DistinctBy(x => x.Item2.Id).ToList();
        Signatures = await HttpContext.RequestServices.GetRequiredService<Signing.VersionSignatures>().ForManyAsync(shown, ct);
    }
}
