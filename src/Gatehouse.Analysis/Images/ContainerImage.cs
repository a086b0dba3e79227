namespace Gatehouse.Analysis.Images;

/// <summary>
/// One container image as the gate reads it (issue 17): the manifest chosen for the policy's platform, its config and its
/// layers in order (base first). Every digest here was verified against the bytes it names before this object exists
/// (manifest and config) or is verified while the blob is read (<see cref="ImageArchive.OpenBlob"/>: layers).
/// </summary>
/// <param name="ManifestDigest"><c>sha256:&lt;hex&gt;</c> of the manifest bytes (what a registry serves and what is signed).</param>
/// <param name="ManifestMediaType">OCI image manifest or Docker v2 schema 2 manifest media type.</param>
/// <param name="Platform">The platform of the chosen manifest (from the index entry, else the config).</param>
/// <param name="Config">The image configuration (user, env, labels, history, ...).</param>
/// <param name="ConfigDigest"><c>sha256:&lt;hex&gt;</c> of the config blob (the image ID).</param>
/// <param name="Layers">Layers in order, base first.</param>
/// <param name="Format">Where it came from: <c>oci-layout</c>, <c>docker-archive</c> or <c>registry</c>.</param>
public sealed record ContainerImage(
    string ManifestDigest,
    string ManifestMediaType,
    ImagePlatform Platform,
    ImageConfig Config,
    string ConfigDigest,
    IReadOnlyList<ImageLayer> Layers,
    string Format)
{
    /// <summary>The tag or name the image was given where it came from (OCI <c>org.opencontainers.image.ref.name</c>, docker-archive RepoTags, the pulled reference); null when none.</summary>
    public string? Reference { get; init; }

    /// <summary>Sum of the layers' blob sizes.</summary>
    public long TotalLayerBytes => Layers.Sum(l => l.Size);
}

/// <summary>An OS/architecture pair (<c>linux/amd64</c>, <c>linux/arm64/v8</c>).</summary>
public sealed record ImagePlatform(string Os, string Architecture, string? Variant = null)
{
    /// <summary><c>os/arch[/variant]</c>.</summary>
    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";

    /// <summary>Parses <c>os/arch[/variant]</c>; null when malformed.</summary>
    public static ImagePlatform? Parse(string? text)
    {
        var parts = text?.Trim().Split('/') ?? [];
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0)) return null;
        return new ImagePlatform(parts[0].ToLowerInvariant(), parts[1].ToLowerInvariant(), parts.Length == 3 ? parts[2].ToLowerInvariant() : null);
    }
}

/// <summary>One layer of an image.</summary>
/// <param name="Index">0 for the base layer.</param>
/// <param name="Digest"><c>sha256:&lt;hex&gt;</c> of the blob as stored (compressed for OCI/registry layers; the tar for docker-archive layers).</param>
/// <param name="DiffId"><c>sha256:&lt;hex&gt;</c> of the uncompressed tar (from the config's <c>rootfs.diff_ids</c>).</param>
/// <param name="MediaType">The layer media type (tar, tar+gzip; anything else is <c>image.unsupported-layer</c>).</param>
/// <param name="Size">Blob size in bytes.</param>
/// <param name="CreatedBy">The history entry that made it (<c>RUN apt-get install ...</c>), when the config has one.</param>
public sealed record ImageLayer(int Index, string Digest, string DiffId, string MediaType, long Size, string? CreatedBy);

/// <summary>The parts of the image config (OCI image-spec config / Docker image JSON) the checks read.</summary>
public sealed record ImageConfig
{
    public string? User { get; init; }
    /// <summary><c>KEY=value</c> strings, in order.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string>? Entrypoint { get; init; }
    public IReadOnlyList<string>? Cmd { get; init; }
    public string? WorkingDir { get; init; }
    /// <summary><c>8080/tcp</c> and the like.</summary>
    public IReadOnlyList<string> ExposedPorts { get; init; } = [];
    /// <summary>The HEALTHCHECK (Docker extension of the config), null when none is declared.</summary>
    public ImageHealthcheck? Healthcheck { get; init; }
    public IReadOnlyList<ImageHistoryEntry> History { get; init; } = [];
    /// <summary>Creation time as written (RFC 3339), null when absent.</summary>
    public string? Created { get; init; }
}

/// <summary>A HEALTHCHECK: <c>["CMD", ...]</c>, <c>["CMD-SHELL", "..."]</c> or <c>["NONE"]</c> (explicitly none).</summary>
public sealed record ImageHealthcheck(IReadOnlyList<string> Test, TimeSpan? Interval, TimeSpan? Timeout, int? Retries);

/// <summary>One history entry of the config.</summary>
public sealed record ImageHistoryEntry(string? CreatedBy, bool EmptyLayer, string? Created, string? Comment);
