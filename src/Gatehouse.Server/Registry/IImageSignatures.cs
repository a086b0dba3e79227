namespace Gatehouse.Server.Registry;

/// <summary>
/// The cosign signature of an image about to be pushed, made first if it does not exist yet. Implemented by signing
/// (<c>Signing/ImageSignatures.cs</c>), so the registry pushes signatures without depending on how they are made.
/// </summary>
internal interface IImageSignatures
{
    /// <summary>The signature of <paramref name="manifestDigest"/>; throws when the version's signature is for another digest.</summary>
    Task<ImageSignature> EnsureAsync(Guid versionId, string dockerReference, string manifestDigest, CancellationToken ct);
}
