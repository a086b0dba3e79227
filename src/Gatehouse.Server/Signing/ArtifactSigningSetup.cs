using Gatehouse.Server.Jobs;

namespace Gatehouse.Server.Signing;

/// <summary>Signing on approval (docs/signing.md, "What Gatehouse signs"): the observer that queues <c>signing.sign</c>, its handler, the signer.</summary>
internal static class ArtifactSigningSetup
{
    public static IServiceCollection AddArtifactSigning(this IServiceCollection services)
    {
        services.AddScoped<ArtifactSigner>();
        services.AddScoped<VersionSignatures>();
        // What the registry, the downloads and the chart repository ask of signing, through their own interfaces.
        services.AddScoped<Registry.IImageSignatures, ImageSignatures>();
        services.AddScoped<Downloads.IDownloadLinks, DownloadSignatureLinks>();
        services.AddScoped<Charts.IChartProvenance, ChartProvenanceSource>();
        services.AddScoped<Apps.IVersionTransitionObserver, SignOnPublish>();
        services.AddScoped<IWorkHandler, SignVersionHandler>();
        return services;
    }
}
