using System.Security.Claims;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Finds apps and versions the caller may see (members of the owning organisation and staff), and says in
/// which capacity the caller acts: a member is the vendor; staff who are not members are staff.
/// </summary>
public sealed class AppAccess(GatehouseDb db, IAuthorizationService authorization, Audit.SecurityRefusals refusals)
{
    public async Task<App?> FindAsync(ClaimsPrincipal user, string slug, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var app = await db.Apps.FirstOrDefaultAsync(a => a.Slug == slug, ct);
        if (app is null) return null;
        if (user.IsStaff() || await IsMemberAsync(user, app.OrganizationId, ct)) return app;
        refusals.RecordCurrent(Audit.RefusalReasons.OrgNotVisible, "app:" + slug); // another organisation's app: 404
        return null;
    }

    public async Task<(App?, AppVersion?)> FindVersionAsync(ClaimsPrincipal user, string slug, string version, CancellationToken ct)
    {
        var app = await FindAsync(user, slug, ct);
        if (app is null) return (null, null);
        var v = await db.AppVersions.FirstOrDefaultAsync(x => x.AppId == app.Id && x.Version == version, ct);
        return (app, v);
    }

    public Task<bool> IsMemberAsync(ClaimsPrincipal user, Guid orgId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(user);
        var uid = user.Id();
        return db.OrganizationMembers.AnyAsync(m => m.OrganizationId == orgId && m.UserId == uid, ct);
    }

    /// <summary>Staff powers need the staff policy (role and an admin-scoped credential).</summary>
    public async Task<bool> ActsAsStaffAsync(ClaimsPrincipal user) =>
        (await authorization.AuthorizeAsync(user, Policies.Staff)).Succeeded;

    /// <summary>The capacity in which the caller acts on <paramref name="app"/> (a member who also holds staff powers is
    /// marked, so <see cref="VersionWorkflow.Admit"/> can decide a staff decision they ask for).</summary>
    public async Task<Caller?> CallerAsync(HttpContext http, App app, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(app);
        var ip = http.Connection.RemoteIpAddress?.ToString();
        if (await IsMemberAsync(http.User, app.OrganizationId, ct)) return new Caller(http.User.Id(), Actor.Vendor, ip, await ActsAsStaffAsync(http.User));
        if (await ActsAsStaffAsync(http.User)) return new Caller(http.User.Id(), Actor.Staff, ip);
        return null;
    }
}
