using Gatehouse.Server.Errors;
using Gatehouse.Server.Platform;
using Gatehouse.Server.Usage;
using Yarp.ReverseProxy.Forwarder;

namespace Gatehouse.Server.Gateway;

/// <summary>
/// The first step of the gateway's proxy pipeline, after authentication and the platform policy: the route's scope for
/// the method (403 <c>auth.insufficient-scope</c>), the tenant the route names (404 when the credential is not bound to
/// it, as the platform API answers, recorded as tenant-enumeration evidence), what metering records, and after
/// proxying an upstream failure as a 502 or 504 problem instead of YARP's empty answer.
/// </summary>
internal static class GatewayCallGuard
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var route = context.GetReverseProxyFeature().Route.Config;
        var usage = UsageEndpointFeature.Of(context);
        usage.Template = GatewayRouteMetadata.TemplateOf(route);
        var scope = GatewayRouteMetadata.ScopeFor(route, context.Request.Method);
        if (scope is null)
        {
            // Fail closed: a method the route's configuration gives no scope is not proxied.
            var allowed = route.Metadata?.Keys.Where(k => k.StartsWith(GatewayRouteMetadata.ScopePrefix, StringComparison.OrdinalIgnoreCase))
                .Select(k => k[GatewayRouteMetadata.ScopePrefix.Length..].ToUpperInvariant()).ToList() ?? [];
            context.Response.Headers.Allow = string.Join(", ", allowed);
            await Write(context, 405, ProblemCodes.MethodNotAllowed, "Method not allowed", $"the gateway route allows no {context.Request.Method}");
            return;
        }
        usage.Scope = scope;
        var user = context.User;
        if (!user.HasPlatformScope(scope))
        {
            usage.ScopeViolation = true;
            context.RequestServices.GetRequiredService<Audit.SecurityRefusals>()
                .Record(context, Audit.RefusalReasons.AuthInsufficientScope, $"{context.Request.Method} {context.Request.Path.Value}");
            context.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{scope}\"";
            await Write(context, 403, ProblemCodes.InsufficientScope, "The token lacks a scope this needs", $"required scope: {scope}");
            return;
        }
        var tenants = user.Tenants();
        string tenantHeader;
        if (GatewayRouteMetadata.TenantValueOf(route) is { } name)
        {
            var raw = context.Request.RouteValues.TryGetValue(name, out var v) ? v?.ToString() : null;
            if (!Guid.TryParse(raw, out var named) || !tenants.Contains(named))
            {
                if (named != Guid.Empty) usage.NotInstalledTenant = named;
                await Write(context, 404, ProblemCodes.NotFound, "Tenant not found", null);
                return;
            }
            tenantHeader = named.ToString();
        }
        else tenantHeader = string.Join(' ', tenants.Select(t => t.ToString()).Order(StringComparer.Ordinal));
        var caller = await context.RequestServices.GetRequiredService<PlatformCallers>().ResolveAsync(context);
        if (caller is null)
        {
            await Write(context, 403, ProblemCodes.Forbidden, "Forbidden", "the credential is not an app's");
            return;
        }
        context.Features.Set(new GatewayCall(caller, tenantHeader));

        await next();

        if (context.GetForwarderErrorFeature() is { } error && !context.Response.HasStarted)
        {
            var timeout = error.Error is ForwarderError.RequestTimedOut;
            await Write(context, timeout ? 504 : 502, GatewayProblemCodes.UpstreamUnavailable,
                timeout ? "The upstream did not answer in time" : "The upstream could not be reached", null); // no detail on a 5xx (docs/errors); YARP logs the cause
        }
    }

    private static async Task Write(HttpContext context, int status, string code, string title, string? detail)
    {
        context.Response.StatusCode = status;
        await Problems.Of(status, code, title, detail).ExecuteAsync(context);
    }
}
