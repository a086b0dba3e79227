namespace Gatehouse.Server.Signing;

/// <summary>Endpoints of Signatures (issue 19; filled in by its owner).</summary>
internal static class SignaturesApi
{
    public static IEndpointRouteBuilder MapSignaturesApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app;
    }
}
