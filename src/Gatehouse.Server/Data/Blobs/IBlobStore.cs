namespace Gatehouse.Server.Data.Blobs;

/// <summary>
/// Content-addressed storage of uploaded artifacts. A blob becomes visible only once complete
/// and verified; its name is its SHA-256 digest (<c>sha256:&lt;64 hex&gt;</c>). Implementations:
/// <see cref="FileSystemBlobStore"/> (default); an S3 one follows.
/// </summary>
public interface IBlobStore
{
    /// <summary>Streams <paramref name="content"/> in; throws <see cref="BlobTooLargeException"/> past the limit.</summary>
    Task<BlobRef> PutAsync(Stream content, CancellationToken ct);

    /// <summary>Opens a blob for reading, or null when there is none with this digest.</summary>
    Task<Stream?> OpenReadAsync(string digest, CancellationToken ct);

    Task<bool> ExistsAsync(string digest, CancellationToken ct);

    Task<bool> DeleteAsync(string digest, CancellationToken ct);
}

/// <summary>A stored blob.</summary>
/// <param name="Digest"><c>sha256:</c> followed by 64 lower-case hex digits.</param>
/// <param name="Length">Size in bytes.</param>
public sealed record BlobRef(string Digest, long Length);

/// <summary>The content passed the configured size limit; nothing was stored.</summary>
public sealed class BlobTooLargeException(long limit) : IOException($"blob exceeds the limit of {limit} bytes")
{
    public long Limit { get; } = limit;
}

/// <summary>Settings of section <c>Blobs</c>.</summary>
public sealed class BlobStoreOptions
{
    public const string Section = "Blobs";

    /// <summary>Root folder; default <c>{DataDirectory}/blobs</c>.</summary>
    public string? Path { get; set; }

    /// <summary>Largest blob accepted, in bytes (default 2 GiB).</summary>
    public long MaxBytes { get; set; } = 2L * 1024 * 1024 * 1024;
}

/// <summary>Digest syntax, checked before a digest is ever turned into a path.</summary>
public static class BlobDigest
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
