namespace Gatehouse.Analysis.Images;

/// <summary>Limits and expectations for container images (the policy file's <c>images</c> section).</summary>
public sealed record ImagePolicy
{
    public static readonly ImagePolicy Default = new();

    /// <summary>Platforms a multi-arch index resolves to, in preference order (default <c>linux/amd64</c>): the first one the image offers is scanned; a policy platform without a variant takes any variant.</summary>
    public IReadOnlyList<string> Platforms { get; init; } = ["linux/amd64"];
    /// <summary>More layers than this cannot be read (<c>image.limit</c>; default 256).</summary>
    public int MaxLayers { get; init; } = 256;
    /// <summary>Largest layer blob (default 4 GiB).</summary>
    public long MaxLayerBytes { get; init; } = 4L << 30;
    /// <summary>Largest image, all blobs (default 16 GiB).</summary>
    public long MaxImageBytes { get; init; } = 16L << 30;
    /// <summary>Largest manifest, index or config JSON (default 4 MiB).</summary>
    public int MaxJsonBytes { get; init; } = 4 << 20;
    /// <summary>Entries across all layers (default 1 000 000).</summary>
    public int MaxFiles { get; init; } = 1_000_000;
    /// <summary>Deepest path in a layer, in segments (default 64).</summary>
    public int MaxPathDepth { get; init; } = 64;
    /// <summary>More layers than this is <c>image.excessive-layers</c> (default 40, as Red Hat preflight).</summary>
    public int ExcessiveLayers { get; init; } = 40;
    /// <summary>Labels every image should carry (<c>image.missing-label</c>).</summary>
    public IReadOnlyList<string> RequiredLabels { get; init; } =
        ["org.opencontainers.image.source", "org.opencontainers.image.version", "org.opencontainers.image.licenses"];
}
