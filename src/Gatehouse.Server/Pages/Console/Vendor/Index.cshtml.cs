using Gatehouse.Server.Agreements;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Listing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace Gatehouse.Server.Pages.Console.Vendor;

/// <summary>The caller's organisations, each with its onboarding checklist; the developer agreement is accepted here.</summary>
public sealed class IndexModel(
    GatehouseDb db, OrgAccess access, AgreementGuard agreements, EvidenceGuard evidence, ListingPolicies listing,
    IOpenIddictApplicationManager applications, DeveloperAgreements developerAgreements, TimeProvider time) : PageModel
{
    public sealed record TierStatus(string Tier, IReadOnlyList<string> Unmet);
    public sealed record WebIntegrationStatus(App App, bool HasClient, int ActiveKeys);
    public sealed record OrgView(Organization Org, string Role, int? PendingAgreement, IReadOnlyList<TierStatus> Tiers, IReadOnlyList<App> Apps,
        IReadOnlyList<WebIntegrationStatus> WebIntegrations)
    {
        public bool EvidenceDone => Tiers.All(t => t.Unmet.Count == 0);
    }

    public IReadOnlyList<OrgView> Orgs { get; private set; } = [];
    public DeveloperAgreement? Agreement { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Accepts the agreement text shown on this page (its version and SHA-256) for one organisation.</summary>
    public async Task<IActionResult> OnPostAcceptAsync(Guid orgId, int agreementVersion, string? sha256, CancellationToken ct)
    {
        var result = await developerAgreements.AcceptAsync(HttpContext, orgId, new AcceptAgreementRequest(agreementVersion, sha256), ct);
        if (result.Refusal is { Status: StatusCodes.Status404NotFound } && !await access.CanSeeAsync(User, orgId, ct)) return NotFound();
        if (result.Refusal is { } refusal)
        {
            Error = refusal.Message;
            await LoadAsync(ct);
            return Page();
        }
        TempData["Flash"] = $"Version {agreementVersion} of the developer agreement is accepted.";
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var uid = User.Id();
        Agreement = await db.Agreements.AsNoTracking().OrderByDescending(a => a.Version).FirstOrDefaultAsync(ct);
        var memberships = await db.OrganizationMembers.AsNoTracking().Where(m => m.UserId == uid)
            .Join(db.Organizations.AsNoTracking(), m => m.OrganizationId, o => o.Id, (m, o) => new { m.Role, Org = o })
            .ToListAsync(ct);
        var policy = (await listing.CurrentAsync(ct)).Policy;
        var orgs = new List<OrgView>();
        foreach (var m in memberships.OrderBy(m => m.Org.Name, StringComparer.OrdinalIgnoreCase))
        {
            var apps = await db.Apps.AsNoTracking().Where(a => a.OrganizationId == m.Org.Id).OrderBy(a => a.Slug).ToListAsync(ct);
            // The tiers the organisation's apps are listed in (standard before it has any).
            var tierNames = apps.Count == 0 ? ["standard"] : apps.Select(a => a.Tier).Distinct().Order(StringComparer.Ordinal).ToList();
            var tiers = new List<TierStatus>();
            foreach (var name in tierNames)
            {
                if (!policy.Tiers.TryGetValue(name, out var tier)) { tiers.Add(new(name, [$"the listing policy has no tier '{name}'"])); continue; }
                tiers.Add(new(name, (await evidence.CheckAsync(m.Org.Id, tier, ct)).Unmet));
            }
            var web = new List<WebIntegrationStatus>();
            foreach (var a in apps.Where(a => a.Type == AppTypes.WebIntegration))
            {
                var now = time.GetUtcNow();
                var keys = await db.ApiKeys.AsNoTracking().CountAsync(k => k.AppId == a.Id && k.RevokedAt == null && k.ExpiresAt > now, ct);
                web.Add(new(a, await applications.FindByClientIdAsync(a.Slug, ct) is not null, keys));
            }
            orgs.Add(new OrgView(m.Org, m.Role, await agreements.PendingVersionAsync(m.Org.Id, ct), tiers, apps, web));
        }
        Orgs = orgs;
    }
}
