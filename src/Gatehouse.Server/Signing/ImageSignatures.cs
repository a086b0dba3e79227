using Gatehouse.Server.Registry;

namespace Gatehouse.Server.Signing;

/// <summary>The registry's source of cosign signatures (<see cref="IImageSignatures"/>): the version's <c>cosign</c> row.</summary>
internal sealed class ImageSignatures(ArtifactSigner signer) : IImageSignatures
{
    public async Task<ImageSignature> EnsureAsync(Guid versionId, string dockerReference, string manifestDigest, CancellationToken ct)
    {
        var row = await signer.EnsureCosignAsync(versionId, dockerReference, manifestDigest, ct);
        return new ImageSignature(row.Content, row.Signature ?? throw new InvalidOperationException($"version {versionId}: the cosign row has no signature"));
    }
}
