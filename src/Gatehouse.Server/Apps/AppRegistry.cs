using System.Text.RegularExpressions;
using Gatehouse.Analysis.Requirements;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Listing;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Registers apps and their versions: who may, which slugs, names, types, tiers and version names are valid, and what
/// a new draft starts with. The API and the console both call it.
/// </summary>
public sealed partial class AppRegistry(OrgAccess orgs, AppAccess apps, GatehouseDb db, ListingPolicies listing, AuditLog audit, TimeProvider time)
{
    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$")]
    private static partial Regex VersionPattern();

    /// <summary>Registers an app for <paramref name="orgId"/>; members only.</summary>
    public async Task<Outcome<AppInfo>> CreateAsync(HttpContext http, Guid orgId, CreateAppRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        if (!await orgs.CanSeeAsync(http.User, orgId, ct)) return Refusal.NotFound("Organization");
        if (!await orgs.CanActAsync(http.User, orgId, ct)) return OrgAccess.NotAMember("register apps");
        if (request.Slug is null || !SlugPattern().IsMatch(request.Slug))
            return Refusal.Invalid("slug must be 1-64 lower-case letters, digits and dashes, starting and ending with a letter or digit");
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200 || name.Any(char.IsControl)) return Refusal.Invalid("name is required (at most 200 characters)");
        if (request.Type is null || !AppTypes.All.Contains(request.Type)) return Refusal.Invalid($"type must be one of: {string.Join(", ", AppTypes.All)}");
        var tier = request.Tier ?? "standard";
        var policy = await listing.CurrentAsync(ct);
        if (!policy.Policy.Tiers.ContainsKey(tier)) return Refusal.Invalid($"tier must be one of: {string.Join(", ", policy.Policy.Tiers.Keys)}");
        if (request.BaseUrl is not null && !IsHttpsUrl(request.BaseUrl)) return Refusal.Invalid("baseUrl must be an absolute https URL");
        if (await db.Apps.AnyAsync(a => a.Slug == request.Slug, ct)) return Refusal.Conflict("an app with this slug exists");
        var now = time.GetUtcNow();
        var row = new App
        {
            Id = Guid.CreateVersion7(now), OrganizationId = orgId, Slug = request.Slug, Name = name, Type = request.Type, Tier = tier,
            BaseUrl = request.BaseUrl, CreatedBy = http.User.Id(), CreatedAt = now,
        };
        db.Apps.Add(row);
        audit.Record(db, AuditEvent.By(http, AuditActions.AppCreated, orgId.ToString(), row.Id.ToString(), new { row.Slug, row.Type, row.Tier }));
        await db.SaveChangesAsync(ct);
        return AppInfo.From(row);
    }

    /// <summary>Creates a draft version of <paramref name="app"/>; members only.</summary>
    public async Task<Outcome<VersionInfo>> CreateVersionAsync(HttpContext http, string app, CreateVersionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        if (await apps.FindAsync(http.User, app, ct) is not { } row) return Refusal.NotFound("App");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Refusal.Forbidden("only members of the vendor organisation create versions");
        if (request.Version is null || !VersionPattern().IsMatch(request.Version))
            return Refusal.Invalid("version must be 1-64 characters: letters, digits, '.', '+', '_' or '-' (e.g. 1.4.2)");
        if (request.Reference is not null && !IsHttpsUrl(request.Reference)) return Refusal.Invalid("reference must be an absolute https URL");
        var reference = request.Reference ?? (row.Type == AppTypes.WebIntegration ? row.BaseUrl : null);
        if (Scanning.Probes.ProbeEndpoints.Problem(request.Endpoints, reference) is { } endpointsProblem) return Refusal.Invalid(endpointsProblem);
        if (await db.AppVersions.AnyAsync(v => v.AppId == row.Id && v.Version == request.Version, ct)) return Refusal.Conflict("this version exists");
        var now = time.GetUtcNow();
        var v = new AppVersion
        {
            Id = Guid.CreateVersion7(now), AppId = row.Id, OrganizationId = row.OrganizationId, Version = request.Version,
            State = VersionStates.Draft, Reference = reference, EndpointsJson = Scanning.Probes.ProbeEndpoints.ToJson(request.Endpoints),
            CatalogVersion = RequirementCatalog.LoadEmbedded().Version, CreatedBy = http.User.Id(), CreatedAt = now, UpdatedAt = now,
        };
        db.AppVersions.Add(v);
        audit.Record(db, AuditEvent.By(http, AuditActions.VersionCreated, row.OrganizationId.ToString(), v.Id.ToString(), new { app = row.Slug, v.Version }));
        await db.SaveChangesAsync(ct);
        return VersionInfo.From(row, v);
    }

    private static bool IsHttpsUrl(string s) =>
        s.Length <= 2000 && Uri.TryCreate(s, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(u.UserInfo);
}
