using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Demo;

/// <summary>
/// <c>./run.sh --demo</c>: a vendor organisation with an owner and a developer, and a reviewer, so a
/// person can try every role at once. Idempotent. Passwords are generated and printed once.
/// </summary>
internal static class DemoSeeder
{
    public const string OrganizationName = "Acme Apps";

    public static async Task SeedDemoAsync(this IServiceProvider services, TextWriter console, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<GatehouseDb>();
        await Platform.PlatformDemoData.SeedAsync(db, sp.GetRequiredService<TimeProvider>(), ct);
        if (await db.Organizations.AnyAsync(o => o.Name == OrganizationName, ct)) return;
        var users = sp.GetRequiredService<UserManager<GatehouseUser>>();
        var time = sp.GetRequiredService<TimeProvider>();
        var audit = sp.GetRequiredService<AuditLog>();

        async Task<(GatehouseUser, string)> Person(string email, string name, string role)
        {
            var password = UsersApi.GeneratePassword();
            var u = new GatehouseUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CreatedAt = time.GetUtcNow() };
            var r = await users.CreateAsync(u, password);
            if (!r.Succeeded) throw new InvalidOperationException(string.Join("; ", r.Errors.Select(e => e.Description)));
            await users.AddToRoleAsync(u, role);
            await audit.AppendAsync(new AuditEvent(AuditActions.UserCreated, "system", Subject: u.Id, Data: new { email, role, demo = true }), ct);
            return (u, password);
        }

        var (owner, ownerPw) = await Person("owner@acme.example", "Ada Owner", Roles.Developer);
        var (dev, devPw) = await Person("dev@acme.example", "Dev Eloper", Roles.Developer);
        var (reviewer, reviewerPw) = await Person("reviewer@gatehouse.local", "Rae Viewer", Roles.Reviewer);

        var now = time.GetUtcNow();
        var org = new Organization { Id = Guid.CreateVersion7(now), Name = OrganizationName, OwnerUserId = owner.Id, CreatedAt = now };
        org.Members.Add(new OrganizationMember { UserId = owner.Id, Role = OrganizationRoles.Owner, AddedAt = now });
        org.Members.Add(new OrganizationMember { UserId = dev.Id, Role = OrganizationRoles.Member, AddedAt = now });
        db.Organizations.Add(org);
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(new AuditEvent(AuditActions.OrganizationCreated, "system", org.Id.ToString(), org.Id.ToString(),
            Data: new { org.Name, owner = owner.Id, demo = true }), ct);

        await console.WriteLineAsync("gatehouse: demo data seeded (passwords shown once):");
        await console.WriteLineAsync($"gatehouse:   vendor owner      {owner.Email}  {ownerPw}");
        await console.WriteLineAsync($"gatehouse:   vendor developer  {dev.Email}  {devPw}");
        await console.WriteLineAsync($"gatehouse:   reviewer          {reviewer.Email}  {reviewerPw}");
    }
}
