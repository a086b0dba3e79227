namespace Gatehouse.Server.Signing;

/// <summary>Endpoints of VendorKeys (issue 19; filled in by its owner).</summary>
internal static class VendorKeysApi
{
    public static IEndpointRouteBuilder MapVendorKeysApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app;
    }
}
