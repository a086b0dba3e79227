namespace Gatehouse.Server.Data.Blobs;

/// <summary>
/// Content-addressed storage of uploaded artifacts. A blob becomes visible only once complete
/// and verified; its name is its SHA-256 digest (<c>sha256:&lt;64 hex&gt;</c>). Implementations:
/// <see cref="FileSystemBlobStore"/> (default) and an S3-compatible one.
/// </summary>
public interface IBlobStore
{
    /// <summary>Streams <paramref name="content"/> in; throws <see cref="BlobTooLargeException"/> past the limit.</summary>
    Task<BlobRef> PutAsync(Stream content, CancellationToken ct);

    /// <summary>Opens a blob for reading, or null when there is none with this digest.</summary>
    Task<Stream?> OpenReadAsync(string digest, CancellationToken ct);

    Task<bool> ExistsAsync(string digest, CancellationToken ct);

    /// <summary>The blob's size in bytes, or null when there is none with this digest.</summary>
    Task<long?> GetLengthAsync(string digest, CancellationToken ct);

    /// <summary>
    /// Opens <paramref name="length"/> bytes from <paramref name="offset"/> (HTTP Range requests), or null when
    /// there is no such blob. The caller keeps within the blob's length.
    /// </summary>
    Task<Stream?> OpenRangeAsync(string digest, long offset, long length, CancellationToken ct);

    Task<bool> DeleteAsync(string digest, CancellationToken ct);
}

/// <summary>A stored blob.</summary>
/// <param name="Digest"><c>sha256:</c> followed by 64 lower-case hex digits.</param>
/// <param name="Length">Size in bytes.</param>
public sealed record BlobRef(string Digest, long Length);

/// <summary>The content passed the configured size limit; nothing was stored.</summary>
internal sealed class BlobTooLargeException(long limit) : IOException($"blob exceeds the limit of {limit} bytes")
{
    public long Limit { get; } = limit;
}

/// <summary>The blob store implementations, chosen by <c>Blobs:Backend</c>.</summary>
internal enum BlobBackend
{
    /// <summary><see cref="FileSystemBlobStore"/>.</summary>
    FileSystem,

    /// <summary><see cref="S3BlobStore"/>: any S3-compatible object store.</summary>
    S3,
}

/// <summary>Digest syntax, checked before a digest is ever turned into a path.</summary>
internal static class BlobDigest
{
    public const string Prefix = "sha256:";

    public static bool IsValid(string? digest)
    {
        if (digest is null || digest.Length != Prefix.Length + 64 || !digest.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        foreach (var c in digest.AsSpan(Prefix.Length))
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        return true;
    }
}

/// <summary>
/// A blob store that can hand out its own time-limited GET URLs (S3 presigned URLs, SigV4), an alternative to
/// Gatehouse's signed URLs for files served straight from storage.
/// </summary>
internal interface IPresigningBlobStore
{
    /// <summary>The longest lifetime the store's URLs may have (S3: 7 days).</summary>
    TimeSpan MaxPresignLifetime { get; }

    /// <summary>A GET URL for <paramref name="digest"/> valid for <paramref name="lifetime"/>, answering with these headers.</summary>
    Task<Uri> PresignGetAsync(string digest, TimeSpan lifetime, string contentType, string contentDisposition, CancellationToken ct);
}
