namespace Gatehouse.Analysis.Images;

/// <summary>
/// An image on local disk, opened for reading: an OCI image layout (folder or tar) or a docker-archive (<c>docker save</c>).
/// Reads the index/manifest/config (bounded, digests verified), picks the manifest of the policy's platform, and serves
/// blobs through streams that verify the digest as they are read (a mismatch throws <see cref="ImageException"/> with code
/// <c>image.digest-mismatch</c> at the end of the stream). Not thread-safe for concurrent reads of one stream.
/// </summary>
public sealed partial class ImageArchive : IDisposable
{
    /// <summary>Opens <paramref name="path"/> (a folder with <c>oci-layout</c>, or a tar file of either format).</summary>
    /// <exception cref="ImageException">Not an image, malformed, over a limit, no manifest for the platforms.</exception>
    public static ImageArchive Open(string path, ImagePolicy policy) => OpenCore(path, policy);

    /// <summary>Whether <paramref name="path"/> looks like an image this class reads (cheap: the layout marker or the tar's member names).</summary>
    public static bool IsImage(string path) => IsImageCore(path);

    /// <summary>The image (manifest for the chosen platform).</summary>
    public ContainerImage Image { get; private init; } = null!;

    /// <summary>The exact manifest bytes (what <see cref="ContainerImage.ManifestDigest"/> hashes).</summary>
    public ReadOnlyMemory<byte> ManifestBytes { get; private init; }

    /// <summary>The exact config bytes.</summary>
    public ReadOnlyMemory<byte> ConfigBytes { get; private init; }

    /// <summary>
    /// Opens the blob named by <paramref name="digest"/> (a layer or the config) as stored; the stream verifies length and
    /// digest while it is read and throws <see cref="ImageException"/> (<c>image.digest-mismatch</c>) on a mismatch.
    /// </summary>
    public Stream OpenBlob(string digest) => OpenBlobCore(digest);

    public void Dispose() => DisposeCore();

    // The reader (helper issue17-input) implements these in ImageArchive.Reader.cs.
    private static partial ImageArchive OpenCore(string path, ImagePolicy policy);
    private static partial bool IsImageCore(string path);
    private partial Stream OpenBlobCore(string digest);
    private partial void DisposeCore();
}
