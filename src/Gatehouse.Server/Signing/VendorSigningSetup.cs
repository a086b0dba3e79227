namespace Gatehouse.Server.Signing;

/// <summary>Services of VendorSigning (issue 19; filled in by its owner).</summary>
internal static class VendorSigningSetup
{
    public static IServiceCollection AddVendorSigning(this IServiceCollection services) => services;
}
