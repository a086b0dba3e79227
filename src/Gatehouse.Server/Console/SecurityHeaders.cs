namespace Gatehouse.Server.Console;

/// <summary>Headers on every response; the CSP (every page but Hangfire's dashboard) forbids inline script and framing.</summary>
internal static class SecurityHeaders
{
    public static IApplicationBuilder UseGatehouseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((ctx, next) =>
        {
            ctx.Response.OnStarting(() =>
            {
                var h = ctx.Response.Headers;
                h.XContentTypeOptions = "nosniff";
                h["Referrer-Policy"] = "no-referrer";
                h.XFrameOptions = "DENY";
                // Files (and their errors) are never a page: nothing runs, nothing loads, a sandboxed origin (docs/downloads.md).
                // The API explorer (/openapi/ui) needs nothing more than the console's policy: Swagger UI's page loads its
                // scripts and styles from files (index.js holds the configuration, no inline script), its icons are data:
                // images, and it fetches /openapi/v1.json from this origin. Hangfire's dashboard uses inline script.
                if (ctx.Request.Path.StartsWithSegments(Downloads.DownloadUrls.PathPrefix))
                    h.ContentSecurityPolicy = "default-src 'none'; sandbox";
                else if (!ctx.Request.Path.StartsWithSegments("/hangfire"))
                    h.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
                if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/account"))
                    h.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            return next(ctx);
        });
}
