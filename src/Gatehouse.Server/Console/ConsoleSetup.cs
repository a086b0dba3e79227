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
        // Ordinary forms (every form but the streamed uploads, which read the body themselves) are small. Keep them in
        // memory and cap them, so that no form, not even an anonymous POST to the login page, is spooled to a file in
        // the shared temp folder (ASP.NET writes parts over 64 KB to /tmp/ASPNETCORE_*.tmp, 0644; issue 14).
        services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o =>
        {
            o.MultipartBodyLengthLimit = MaxFormBytes;
            o.MemoryBufferThreshold = MaxFormBytes + 1;
            o.BufferBodyLengthLimit = MaxFormBytes;
        });
        return services;
    }

    /// <summary>The largest ordinary (not streamed) form accepted: 1 MiB, held in memory.</summary>
    public const int MaxFormBytes = 1 << 20;
}
