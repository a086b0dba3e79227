using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Demo;

/// <summary>
/// <c>./run.sh --demo</c>: a vendor organisation with an owner and a developer, a reviewer, and two tenants
/// (customers) with an admin each, so a person can try every role at once. Tenant admins join through the
/// same invitations as everyone else (issued and accepted here). Idempotent. Passwords are generated and printed once.
/// </summary>
internal static class DemoSeeder
{
    public const string OrganizationName = "Acme Apps";

    /// <summary>The demo tenants (the ids the platform API's demo projects belong to) and their admins' addresses.</summary>
    public static readonly (Guid Id, string Tenant, string AdminEmail, string AdminName)[] Tenants =
    [
        (Platform.PlatformDemoData.TenantA, "Globex", "admin@globex.example", "Gil Globex"),
        (Platform.PlatformDemoData.TenantB, "Initech", "admin@initech.example", "Ina Tech"),
    ];

    public static async Task SeedDemoAsync(this IServiceProvider services, TextWriter console, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<GatehouseDb>();
        await Platform.PlatformDemoData.SeedAsync(db, sp.GetRequiredService<TimeProvider>(), ct);
        var users = sp.GetRequiredService<UserManager<GatehouseUser>>();
        var time = sp.GetRequiredService<TimeProvider>();
        var audit = sp.GetRequiredService<AuditLog>();
        var seededOrg = await db.Organizations.AnyAsync(o => o.Name == OrganizationName, ct);
        var seededTenants = await db.Set<OAuth.Tenant>().AnyAsync(t => t.Id == Tenants[0].Id, ct);
        if (seededOrg && seededTenants) return;

        async Task<(GatehouseUser, string)> Person(string email, string name, string role)
        {
            var password = UsersApi.GeneratePassword();
            var u = new GatehouseUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CreatedAt = time.GetUtcNow() };
            // Identity's stores save through this scope's GatehouseDb: the user, the role and the entry commit together (issue 14).
            await db.InTransactionAsync(async () =>
            {
                var r = await users.CreateAsync(u, password);
                if (!r.Succeeded) throw new InvalidOperationException(string.Join("; ", r.Errors.Select(e => e.Description)));
                await users.AddToRoleAsync(u, role);
                audit.Record(db, new AuditEvent(AuditActions.UserCreated, "system", Subject: u.Id, Data: new { email, role, demo = true }));
                await db.SaveChangesAsync(ct);
            }, ct);
            return (u, password);
        }

        await console.WriteLineAsync("gatehouse: demo data seeded (passwords shown once):");
        if (!seededOrg) await SeedVendorAsync(db, console, Person, time, audit, ct);
        if (!seededTenants) await SeedTenantsAsync(sp, db, console, Person, audit, ct);
    }

    private static async Task SeedVendorAsync(GatehouseDb db, TextWriter console, Func<string, string, string, Task<(GatehouseUser, string)>> createPerson,
        TimeProvider time, AuditLog audit, CancellationToken ct)
    {
        var (owner, ownerPw) = await createPerson("owner@acme.example", "Ada Owner", Roles.Developer);
        var (dev, devPw) = await createPerson("dev@acme.example", "Dev Eloper", Roles.Developer);
        var (reviewer, reviewerPw) = await createPerson("reviewer@gatehouse.local", "Rae Viewer", Roles.Reviewer);

        var now = time.GetUtcNow();
        var org = new Organization { Id = Guid.CreateVersion7(now), Name = OrganizationName, OwnerUserId = owner.Id, CreatedAt = now };
        org.Members.Add(new OrganizationMember { UserId = owner.Id, Role = OrganizationRoles.Owner, AddedAt = now });
        org.Members.Add(new OrganizationMember { UserId = dev.Id, Role = OrganizationRoles.Member, AddedAt = now });
        db.Organizations.Add(org);
        audit.Record(db, new AuditEvent(AuditActions.OrganizationCreated, "system", org.Id.ToString(), org.Id.ToString(),
            Data: new { org.Name, owner = owner.Id, demo = true }));
        await db.SaveChangesAsync(ct);

        await console.WriteLineAsync($"gatehouse:   vendor owner      {owner.Email}  {ownerPw}");
        await console.WriteLineAsync($"gatehouse:   vendor developer  {dev.Email}  {devPw}");
        await console.WriteLineAsync($"gatehouse:   reviewer          {reviewer.Email}  {reviewerPw}");
    }

    /// <summary>Two tenants, each with an admin who joined by accepting an invitation (the one mechanism there is).</summary>
    private static async Task SeedTenantsAsync(IServiceProvider sp, GatehouseDb db, TextWriter console,
        Func<string, string, string, Task<(GatehouseUser, string)>> createPerson, AuditLog audit, CancellationToken ct)
    {
        var invitations = sp.GetRequiredService<Invitations.InvitationService>();
        foreach (var (id, name, email, displayName) in Tenants)
        {
            var tenant = new OAuth.Tenant { Id = id, Name = name };
            db.Add(tenant);
            audit.Record(db, new AuditEvent(AuditActions.TenantCreated, "system", Subject: tenant.Id.ToString(), Data: new { name, demo = true }));
            await db.SaveChangesAsync(ct);
            var (admin, password) = await createPerson(email, displayName, Roles.Developer);
            var (_, token) = await invitations.IssueAsync(Invitations.InvitationKinds.Tenant, tenant.Id, name, email, "admin", "system", staffAllowed: true,
                new AuditEvent(AuditActions.InvitationCreated, "system"), ct);
            var accepted = await invitations.AcceptAsync(admin.Id, token, new AuditEvent(AuditActions.TenantAdminAdded, admin.Id), ct);
            if (accepted.Status != Invitations.AcceptStatus.Accepted) throw new InvalidOperationException($"demo tenant admin not added: {accepted.Status}");
            await console.WriteLineAsync($"gatehouse:   tenant admin      {email}  {password}  ({name})");
        }
    }
}
