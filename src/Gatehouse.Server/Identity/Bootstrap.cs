using Gatehouse.Server.Audit;
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
        var admin = await users.FindByEmailAsync(options.BootstrapAdminEmail);
        if (admin is null)
        {
            admin = new GatehouseUser
            {
                UserName = options.BootstrapAdminEmail, Email = options.BootstrapAdminEmail, EmailConfirmed = true,
                DisplayName = "Administrator", CreatedAt = time.GetUtcNow(),
            };
            var created = await users.CreateAsync(admin, password);
            if (!created.Succeeded)
                throw new InvalidOperationException("Cannot create the bootstrap admin: " + string.Join("; ", created.Errors.Select(e => e.Description)));
        }
        await users.AddToRoleAsync(admin, Roles.Admin);
        await sp.GetRequiredService<AuditLog>().AppendAsync(new AuditEvent(AuditActions.BootstrapAdminCreated, "system",
            Subject: admin.Id, Data: new { email = admin.Email, passwordFrom = fromEnvironment ? "environment" : "generated" }), ct);

        await console.WriteLineAsync($"gatehouse: bootstrap admin: {admin.Email}");
        await console.WriteLineAsync(fromEnvironment
            ? "gatehouse: password: (from GATEHOUSE_ADMIN_PASSWORD)"
            : $"gatehouse: password: {password}   (shown once; change it or set GATEHOUSE_ADMIN_PASSWORD on first run)");
    }
}
