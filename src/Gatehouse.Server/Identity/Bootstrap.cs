using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Identity;

/// <summary>
/// First run: the roles exist and there is an administrator. The password comes from
/// <c>GATEHOUSE_ADMIN_PASSWORD</c> (<c>Gatehouse:BootstrapAdminPassword</c>); otherwise one is generated
/// and printed once to standard output; it is stored only as Identity's password hash.
/// </summary>
internal static class Bootstrap
{
    public static async Task EnsureBootstrapAsync(this IServiceProvider services, TextWriter console, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var roles = sp.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));

        var users = sp.GetRequiredService<UserManager<GatehouseUser>>();
        if ((await users.GetUsersInRoleAsync(Roles.Admin)).Count > 0) return;

        var options = sp.GetRequiredService<IOptions<GatehouseOptions>>().Value;
        var time = sp.GetRequiredService<TimeProvider>();
        var fromEnvironment = !string.IsNullOrEmpty(options.BootstrapAdminPassword);
        var password = fromEnvironment ? options.BootstrapAdminPassword! : UsersApi.GeneratePassword();
        // Identity's stores save through this scope's GatehouseDb: the admin, the role and the audit entry commit together
        // (issue 14), so a crash leaves either no admin (and the next start makes one) or an audited one.
        var db = sp.GetRequiredService<GatehouseDb>();
        var admin = await db.InTransactionAsync(async () =>
        {
            var user = await users.FindByEmailAsync(options.BootstrapAdminEmail);
            if (user is null)
            {
                user = new GatehouseUser
                {
                    UserName = options.BootstrapAdminEmail, Email = options.BootstrapAdminEmail, EmailConfirmed = true,
                    DisplayName = "Administrator", CreatedAt = time.GetUtcNow(),
                };
                var created = await users.CreateAsync(user, password);
                if (!created.Succeeded)
                    throw new InvalidOperationException("Cannot create the bootstrap admin: " + string.Join("; ", created.Errors.Select(e => e.Description)));
            }
            await users.AddToRoleAsync(user, Roles.Admin);
            sp.GetRequiredService<AuditLog>().Record(db, new AuditEvent(AuditActions.BootstrapAdminCreated, "system",
                Subject: user.Id, Data: new { email = user.Email, passwordFrom = fromEnvironment ? "environment" : "generated" }));
            await db.SaveChangesAsync(ct);
            return user;
        }, ct);

        await console.WriteLineAsync($"gatehouse: bootstrap admin: {admin.Email}");
        await console.WriteLineAsync(fromEnvironment
            ? "gatehouse: password: (from GATEHOUSE_ADMIN_PASSWORD)"
            : $"gatehouse: password: {password}   (shown once; change it or set GATEHOUSE_ADMIN_PASSWORD on first run)");
    }
}
