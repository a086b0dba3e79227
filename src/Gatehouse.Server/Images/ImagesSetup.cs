using Gatehouse.Server.Scanning;

namespace Gatehouse.Server.Images;

/// <summary>
/// Registers container images on the server (issue 17): settings (<c>Images</c>), vendor registry credentials, the draft's
/// image reference and smoke test, the guarded registry client, pulls, and the image scan runner.
/// </summary>
internal static class ImagesSetup
{
    public static IServiceCollection AddGatehouseImages(this IServiceCollection services)
    {
        services.AddOptions<ImagesOptions>().BindConfiguration(ImagesOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<VendorRegistryCredentials>();
        services.AddScoped<VersionImages>();
        services.AddSingleton<RegistryHttp>();
        services.AddScoped<ImagePulls>();
        services.AddScoped<IScanRunner, ImageScanRunner>();
        return services;
    }
}
