using System.Text.Json;
using Gatehouse.Analysis.Images.Reading;
using Gatehouse.Analysis.Signing;

namespace Gatehouse.Analysis.Images.Registry;

// cosign's key-based signatures next to an image (issue 19, the CLI's `verify IMAGE`): the manifest the reference names (its
// digest computed here from the bytes, never the registry's header), then the `sha256-<hex>.sig` manifest in the same
// repository and its simple-signing layers, each blob checked against its descriptor digest while read.
public sealed partial class RegistryClient
{
    /// <summary>At most this many signature layers are read from one <c>.sig</c> manifest.</summary>
    public const int MaxSignatureLayers = 64;

    /// <summary>
    /// Reads the cosign signatures of <paramref name="reference"/>: the digest of the manifest (or index) it names, computed
    /// locally, and the layers of the <c>sha256-&lt;hex&gt;.sig</c> manifest (empty when there is none). Signatures are not
    /// checked here (<see cref="CosignSignature.Verify"/> does that with the caller's key).
    /// </summary>
    /// <exception cref="ImageException">The codes of <see cref="PullAsync"/>; <c>image.digest-mismatch</c> when the registry serves another manifest than the reference's digest.</exception>
    public async Task<ImageSignatures> GetCosignSignaturesAsync(ImageReference reference, RegistryCredentials? credentials, ImagePolicy policy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(policy);
        if (reference.Registry is null) throw new ImageException("registry.protocol", $"{reference} names no registry (Gatehouse has no default registry)");
        var session = new Session(this, reference, credentials);
        await session.PingAsync(ct).ConfigureAwait(false);
        var (bytes, _) = await session.GetManifestAsync(reference.Digest ?? reference.Tag ?? "latest", policy, ct).ConfigureAwait(false);
        var digest = ImageDigests.Of(bytes);
        if (reference.Digest is not null && digest != reference.Digest)
            throw new ImageException("image.digest-mismatch", $"the registry served a manifest with digest {digest} for {reference.Digest}");

        byte[] sigManifest;
        try
        {
            (sigManifest, _) = await session.GetManifestAsync(CosignSignature.SignatureTag(digest), policy, ct).ConfigureAwait(false);
        }
        catch (ImageException e) when (e.Code == "registry.not-found")
        {
            return new ImageSignatures(digest, []);
        }

        var layers = new List<(string Digest, long Size, string? Signature)>();
        using (var doc = ImageJson.Parse(sigManifest, "signature manifest"))
        {
            if (!doc.RootElement.TryGetProperty("layers", out var ls) || ls.ValueKind != JsonValueKind.Array)
                throw new ImageException("registry.protocol", "the signature manifest has no layers");
            foreach (var layer in ls.EnumerateArray().Take(MaxSignatureLayers))
            {
                var d = ImageArchive.ParseDescriptor(layer, "signature manifest");
                if (d.MediaType != CosignSignature.LayerMediaType) continue;
                string? signature = null;
                if (layer.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object
                    && a.TryGetProperty(CosignSignature.SignatureAnnotation, out var s) && s.ValueKind == JsonValueKind.String)
                    signature = s.GetString();
                layers.Add((d.Digest, d.Size, signature));
            }
        }
        var result = new List<ImageSignatureLayer>();
        foreach (var (layerDigest, size, signature) in layers)
        {
            // A payload over the limit is reported, not fetched: CosignSignature.Verify refuses it anyway.
            if (size > CosignSignature.MaxPayloadBytes)
            {
                result.Add(new ImageSignatureLayer(layerDigest, null, signature));
                continue;
            }
            var payload = await session.GetBlobBytesAsync(layerDigest, size, ct).ConfigureAwait(false);
            result.Add(new ImageSignatureLayer(layerDigest, payload, signature));
        }
        return new ImageSignatures(digest, result);
    }
}

/// <summary>What <see cref="RegistryClient.GetCosignSignaturesAsync"/> found: the image's manifest digest and its cosign signature layers.</summary>
public sealed record ImageSignatures(string ManifestDigest, IReadOnlyList<ImageSignatureLayer> Layers);

/// <summary>
/// One cosign signature layer: its digest, the simple-signing payload (null when it is over
/// <see cref="CosignSignature.MaxPayloadBytes"/>) and the base64 signature annotation (null when absent).
/// </summary>
public sealed record ImageSignatureLayer(string Digest, byte[]? Payload, string? SignatureBase64);
