namespace Gatehouse.Server.Gateway;

/// <summary>The YARP gateway in front of a platform's API (identity headers), and the platform rate limits.</summary>
internal static class GatewaySetup
{
    public static IServiceCollection AddGatehouseGateway(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }

    /// <summary>The gateway's proxied routes.</summary>
    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder app) => app;
}
