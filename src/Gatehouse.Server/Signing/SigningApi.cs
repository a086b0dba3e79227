namespace Gatehouse.Server.Signing;

/// <summary>The signing endpoints: platform keys (admin) and the published keys, signatures of approved artifacts, vendor keys (docs/signing.md).</summary>
internal static class SigningApi
{
    public static IEndpointRouteBuilder MapSigningApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPlatformKeysApi();     // PlatformKeysApi.cs: /api/signing/keys, /.well-known/gatehouse/keys
        app.MapSignaturesApi();       // SignaturesApi.cs: the signatures and tickets of approved artifacts
        app.MapVendorKeysApi();       // VendorKeysApi.cs: vendors' keys and submitted signatures
        return app;
    }
}
