namespace Gatehouse.Server.Signing;

/// <summary>The signing endpoints: platform keys (admin), the published keys, vendor keys, signatures (docs/signing.md).</summary>
internal static class SigningApi
{
    public static IEndpointRouteBuilder MapSigningApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app;
    }
}
