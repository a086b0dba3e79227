namespace Gatehouse.Server.Signing;

/// <summary>Endpoints of PlatformKeys (issue 19; filled in by its owner).</summary>
internal static class PlatformKeysApi
{
    public static IEndpointRouteBuilder MapPlatformKeysApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app;
    }
}
