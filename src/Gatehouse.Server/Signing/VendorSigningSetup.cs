using Gatehouse.Server.Apps;

namespace Gatehouse.Server.Signing;

/// <summary>Services of vendor signing: registered vendor keys, uploaded vendor signatures, the submission guard.</summary>
internal static class VendorSigningSetup
{
    public static IServiceCollection AddVendorSigning(this IServiceCollection services)
    {
        services.AddScoped<VendorKeys>();
        services.AddScoped<VendorSignatures>();
        // One instance per request is both the guard and the observer: the observer saves what the guard checked.
        services.AddScoped<VendorSignatureGuard>();
        services.AddScoped<ISubmissionGuard>(sp => sp.GetRequiredService<VendorSignatureGuard>());
        services.AddScoped<IVersionTransitionObserver>(sp => sp.GetRequiredService<VendorSignatureGuard>());
        return services;
    }
}
