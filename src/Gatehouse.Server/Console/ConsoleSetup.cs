using Gatehouse.Server.Identity;

namespace Gatehouse.Server.Console;

/// <summary>
/// The web console: server-rendered Razor Pages under <c>/console</c> (docs/console.md). Every page needs a
/// signed-in user (the fallback policy); review pages need staff, admin pages the admin policy. Forms carry
/// antiforgery tokens (Razor Pages validate them on every POST), output is HTML-encoded by Razor, and there is
/// no inline script or style, so the CSP needs no <c>unsafe-inline</c>.
/// </summary>
public static class ConsoleSetup
{
    public static IServiceCollection AddGatehouseConsole(this IServiceCollection services)
    {
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/Console");
            o.Conventions.AuthorizeFolder("/Console/Review", Policies.Staff);
            o.Conventions.AuthorizeFolder("/Console/Admin", Policies.Admin);
        });
        return services;
    }
}
