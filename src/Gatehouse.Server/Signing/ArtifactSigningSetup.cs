namespace Gatehouse.Server.Signing;

/// <summary>Services of ArtifactSigning (issue 19; filled in by its owner).</summary>
internal static class ArtifactSigningSetup
{
    public static IServiceCollection AddArtifactSigning(this IServiceCollection services) => services;
}
