using Gatehouse.Server.Cluster;
using Gatehouse.Server.Platform;
using Gatehouse.Server.Usage;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;

namespace Gatehouse.Server.Gateway;

/// <summary>The YARP gateway in front of a platform's API (identity headers), and the platform rate limits (docs/gateway.md).</summary>
internal static class GatewaySetup
{
    /// <summary>YARP's own configuration (Routes, Clusters); the gateway is on when this section exists.</summary>
    public const string ProxySection = "Gateway:ReverseProxy";

    /// <summary>Registered only when the gateway is configured, so a server without one maps no proxy at all.</summary>
    private sealed class GatewayEnabled;

    public static IServiceCollection AddGatehouseGateway(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // The platform rate limits apply to the platform API whether or not a gateway is configured.
        services.AddOptions<PlatformRateLimitOptions>().Bind(configuration.GetSection(PlatformRateLimitOptions.Section))
            .Validate(o => o.Problem() is null, "Gateway:RateLimits needs Burst >= 1 and PerSecond > 0 for every tier").ValidateOnStart();
        // With Redis the buckets are shared by every instance (docs/redis.md); without it they are this process's.
        services.AddSingleton<IPlatformRateLimitStore>(sp => sp.GetRequiredService<ClusterRedis>().Enabled
            ? ActivatorUtilities.CreateInstance<RedisPlatformRateLimitStore>(sp)
            : ActivatorUtilities.CreateInstance<InMemoryPlatformRateLimitStore>(sp));
        services.AddSingleton<IActiveThrottles, ActiveThrottles>();

        var proxy = configuration.GetSection(ProxySection);
        if (!proxy.Exists()) return services;
        services.AddSingleton<GatewayEnabled>();
        services.AddSingleton<GatewaySigningKeys>();
        services.AddReverseProxy().LoadFromConfig(proxy)
            .AddTransforms(b => b.AddRequestTransform(GatewayIdentityTransform.ApplyAsync));
        return services;
    }

    /// <summary>
    /// The platform rate limits, after authorization (they need the app). Program.cs calls it right after
    /// <c>UseAuthorization</c>.
    /// </summary>
    public static IApplicationBuilder UsePlatformRateLimits(this IApplicationBuilder app) => app.UseMiddleware<PlatformRateLimitMiddleware>();

    /// <summary>The gateway's proxied routes: each needs the platform policy and is metered and rate limited.</summary>
    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ServiceProvider.GetService<GatewayEnabled>() is null) return app;
        // Fail closed at start-up: every cluster signs its identity headers.
        if (app.ServiceProvider.GetRequiredService<GatewaySigningKeys>().Missing() is { Count: > 0 } missing)
            throw new InvalidOperationException($"{GatewaySigningKeys.Section}:<cluster> needs a key of at least {GatewayIdentityHeaders.MinKeyLength} characters for: {string.Join(", ", missing)}");
        app.MapReverseProxy(pipeline =>
            {
                pipeline.Use((context, next) => GatewayCallGuard.InvokeAsync(context, () => next()));
                pipeline.UseSessionAffinity();
                pipeline.UseLoadBalancing();
                pipeline.UsePassiveHealthChecks();
            })
            .ConfigureEndpoints((endpoint, route) =>
            {
                // A route cannot opt out of the platform policy: its own AuthorizationPolicy ("anonymous") is refused.
                if (route.AuthorizationPolicy is { Length: > 0 } policy && policy != PlatformAuth.Policy)
                    throw new InvalidOperationException($"gateway route {route.RouteId}: AuthorizationPolicy {policy} is not allowed; every gateway route requires the platform policy");
                if (!GatewayRouteMetadata.HasScopes(route))
                    throw new InvalidOperationException($"gateway route {route.RouteId}: Metadata needs {GatewayRouteMetadata.ScopePrefix}<METHOD> (or *) naming the scope each method requires");
                endpoint.RequireAuthorization(PlatformAuth.Policy)
                    .WithMetadata(MeteredPlatformEndpoint.Instance)
                    .WithName("Gateway." + route.RouteId)
                    .WithSummary($"Gateway route {route.RouteId} to cluster {route.ClusterId}.")
                    .ExcludeFromDescription();
            });
        return app;
    }
}
