using System.Diagnostics;
using System.Runtime.CompilerServices;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Platform;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;

namespace Gatehouse.Server.Usage;

/// <summary>
/// Meters every call to an endpoint marked <see cref="MeteredPlatformEndpoint"/> (the platform API, the gateway's routes).
/// It runs before rate limiting, authentication and authorization, so their refusals (429, 401, 403) are counted too.
/// After the response it records one <see cref="UsageSample"/> into <see cref="IUsageMeter"/> and the
/// <c>Gatehouse.Usage</c> meter. No database call per request: the caller comes from <see cref="PlatformCallers"/>' cache
/// and the endpoint's template and scope are computed once per endpoint.
/// <para>
/// Who is counted: the authenticated app (API key or OAuth token); for a 401, the app of a known but refused API key
/// (<see cref="UsageEndpointFeature.RefusedAppId"/>). A call no app can be named for (no credential, a made-up key) is not
/// stored in <c>usage_minutes</c>, which is per app, but is counted in the meter under app <c>unknown</c>.
/// </para>
/// </summary>
internal sealed class UsageMeteringMiddleware(RequestDelegate next, IUsageMeter meter, PlatformCallers callers, UsageMetrics metrics,
    IAuthorizationPolicyProvider policies, TimeProvider time, ILogger<UsageMeteringMiddleware> logger)
{
    // Weak keys: the gateway's endpoints are rebuilt when its configuration reloads, and the old ones must not be kept alive.
    private readonly ConditionalWeakTable<Endpoint, MeteredEndpointInfo> _endpoints = new();

    /// <summary>The query parameters that mark a call as following a next-page cursor.</summary>
    private static readonly string[] PageParameters = ["cursor", "page_token", "pageToken", "after", "continuation"];

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<MeteredPlatformEndpoint>() is null)
        {
            await next(context);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        var originalBody = context.Response.Body;
        var counting = new CountingResponseStream(originalBody);
        context.Response.Body = counting;
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true; // the problem details handler outside answers 500
            throw;
        }
        finally
        {
            if (!failed && context.Response.HasStarted)
            {
                // Bytes still buffered in the pipe writer over the counting stream go out (and are counted) before it is unhooked.
                try { await context.Response.BodyWriter.FlushAsync(context.RequestAborted); }
                catch (OperationCanceledException) { }
                catch (IOException) { }
            }
            context.Response.Body = originalBody;
            try
            {
                await RecordAsync(context, endpoint, started, counting.Written, failed);
            }
#pragma warning disable CA1031 // metering must never fail the call it meters
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogWarning(e, "Metering a platform call failed");
            }
        }
    }

    private async ValueTask RecordAsync(HttpContext context, Endpoint endpoint, long started, long written, bool failed)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        var status = failed ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
        var bytes = written > 0 ? written : context.Response.ContentLength ?? 0;
        var feature = context.Features.Get<UsageEndpointFeature>();
        var info = _endpoints.TryGetValue(endpoint, out var hit) ? hit : await DescribeAsync(endpoint);
        var template = feature?.Template ?? info.Template;
        var scope = feature?.Scope ?? info.Scope;

        Guid appId;
        string slug;
        Guid? tenant = null;
        string credential;
        var scopeViolation = feature?.ScopeViolation == true;
        var caller = await callers.ResolveAsync(context);
        if (caller is not null)
        {
            (appId, slug, tenant, credential) = (caller.AppId, caller.AppSlug, caller.TenantId, caller.CredentialId);
            if (status == StatusCodes.Status403Forbidden && scope.Length > 0 && !caller.Scopes.Contains(scope, StringComparer.Ordinal))
                scopeViolation = true;
        }
        else if (feature?.RefusedAppId is { } refused && await callers.AppAsync(refused, context.RequestAborted) is { } app)
        {
            (appId, slug, credential) = (app.Id, app.Slug, feature.RefusedCredentialId ?? "");
        }
        else
        {
            metrics.Call("unknown", status, template, elapsed.TotalSeconds, bytes);
            return;
        }
        var notInstalled = feature?.NotInstalledTenant is not null;
        if (notInstalled) tenant = feature!.NotInstalledTenant;
        meter.Record(new UsageSample(time.GetUtcNow(), appId, tenant, credential, template, scope, status, elapsed.TotalMilliseconds, bytes,
            scopeViolation, notInstalled, feature?.Page == true || IsPage(context.Request.Query)));
        metrics.Call(slug, status, template, elapsed.TotalSeconds, bytes);
    }

    /// <summary>The call follows a cursor: a non-empty <c>cursor</c>, <c>page_token</c>, <c>pageToken</c>, <c>after</c> or <c>continuation</c>, or <c>page</c> above 1.</summary>
    internal static bool IsPage(IQueryCollection query)
    {
        if (query.Count == 0) return false;
        foreach (var name in PageParameters)
            if (query.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v.ToString())) return true;
        return query.TryGetValue("page", out var page) && int.TryParse(page.ToString(), out var n) && n > 1;
    }

    /// <summary>The route pattern without parameter constraints or defaults: <c>{projectId:guid}</c> becomes <c>{projectId}</c>.</summary>
    internal static string Template(string rawPattern) =>
        System.Text.RegularExpressions.Regex.Replace(rawPattern, @"\{(\*{0,2})([^}:=?]+)[^}]*\}", "{$1$2}");

    private async Task<MeteredEndpointInfo> DescribeAsync(Endpoint endpoint)
    {
        var method = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: 1 } m ? m[0] : "*";
        var pattern = endpoint is RouteEndpoint route ? "/" + Template(route.RoutePattern.RawText ?? "").TrimStart('/') : endpoint.DisplayName ?? "";
        var policy = await AuthorizationPolicy.CombineAsync(policies, endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(),
            endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>());
        var scope = policy?.Requirements.OfType<IScopeRequirement>().Select(r => r.Scope).FirstOrDefault() ?? "";
        var info = new MeteredEndpointInfo(method + " " + pattern, scope);
        _endpoints.AddOrUpdate(endpoint, info);
        return info;
    }
}
