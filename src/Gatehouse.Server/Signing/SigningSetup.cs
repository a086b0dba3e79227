namespace Gatehouse.Server.Signing;

/// <summary>Signing (issue 19): platform keys, signatures over approved artifacts, vendor keys and signatures (docs/signing.md).</summary>
internal static class SigningSetup
{
    public static IServiceCollection AddGatehouseSigning(this IServiceCollection services)
    {
        services.AddOptions<SigningOptions>().BindConfiguration(SigningOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ISigningKeyProvider, SoftwareKeyProvider>();
        services.AddSingleton<PlatformKeyRing>();
        services.AddPlatformKeys();       // PlatformKeysSetup.cs
        services.AddArtifactSigning();    // ArtifactSigningSetup.cs
        services.AddVendorSigning();      // VendorSigningSetup.cs
        return services;
    }
}
