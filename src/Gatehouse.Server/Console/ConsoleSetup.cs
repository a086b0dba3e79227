using Gatehouse.Server.Identity;

namespace Gatehouse.Server.Console;

/// <summary>
/// The web console: server-rendered Razor Pages under <c>/console</c> (docs/console.md). Every page needs a
/// signed-in user (the fallback policy); review pages need staff, admin pages the admin policy. Forms carry
/// antiforgery tokens (Razor Pages validate them on every POST), output is HTML-encoded by Razor, and there is
/// no inline script or style, so the CSP needs no <c>unsafe-inline</c>.
/// </summary>
internal static class ConsoleSetup
{
    /// <summary>Pages served to GET alone: <c>/guidelines</c>, <c>/account/login</c>, <c>/account/2fa</c>.</summary>
    private static readonly string[] PublicGetPages = ["/Guidelines", "/Account/Login", "/Account/TwoFactor"];

    public static IServiceCollection AddGatehouseConsole(this IServiceCollection services)
    {
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/Console");
            o.Conventions.AuthorizeFolder("/Console/Review", Policies.Staff);
            o.Conventions.AuthorizeFolder("/Console/Admin", Policies.Admin);
            // The public pages outside the console answer GET only: their forms post to minimal-API endpoints on the
            // same path (AccountApi.Login, TwoFactorApi.SubmitCode), and any other method is a 405.
            foreach (var page in PublicGetPages)
                o.Conventions.AddPageApplicationModelConvention(page, m => m.EndpointMetadata.Add(new HttpMethodMetadata([HttpMethods.Get])));
        });
        return services;
    }
}
