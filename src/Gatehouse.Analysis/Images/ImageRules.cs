using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Images;

/// <summary>The rules <see cref="ImageExpander"/> reports (the codes of <see cref="ImageException"/>); each has <c>docs/rules/{id}.md</c>.</summary>
internal static class ImageRules
{
    /// <summary>Images are well-formed and their contents verifiable.</summary>
    public const string Requirement = "GH-CTR-6";

    public static readonly RuleDescriptor Unreadable = new(
        "image.unreadable", "Container artifact is not a readable image", Severity.Critical, Requirement,
        "The artifact submitted as a container is not an OCI image layout (folder or tar) or a docker-archive (docker save), or its " +
        "index, manifest or config is malformed or missing, or a blob it names is absent. What a runtime would run cannot be known, so it " +
        "cannot be reviewed. Export the image with a standard tool (docker save, skopeo copy ... oci-archive:, buildah push).");

    public static readonly RuleDescriptor DigestMismatch = new(
        "image.digest-mismatch", "Image blob does not match its digest", Severity.Critical, Requirement,
        "A layer, config or manifest's bytes do not hash to the digest the image names them by (or their length differs). Runtimes and " +
        "registries refuse such an image; content that is not what its digest says may have been altered after it was built. Export the image again.");

    public static readonly RuleDescriptor Limit = new(
        "image.limit", "Image exceeds a limit", Severity.High, Requirement,
        "The image passes a limit of the policy's images section: layer count, layer or image size, files across all layers, path depth, or " +
        "JSON size. The rest of the image was not examined. Build a smaller image (multi-stage builds, fewer layers) or ask for the limit to be raised.");

    public static readonly RuleDescriptor PlatformMissing = new(
        "image.platform-missing", "Image has no manifest for the required platform", Severity.High, Requirement,
        "The image index lists no manifest for any platform the policy names (images.platforms, default linux/amd64), so the image that " +
        "would run there cannot be scanned. Publish the image for that platform.");

    public static readonly RuleDescriptor UnsupportedLayer = new(
        "image.unsupported-layer", "Image layer cannot be read", Severity.High, Requirement,
        "A layer is compressed with zstd, has a media type other than an uncompressed or gzip-compressed tar, or its bytes are not a tar. " +
        "The layer was not scanned, so the verdict is incomplete. Push the image with gzip-compressed (or uncompressed) layers.");

    public static readonly IReadOnlyList<RuleDescriptor> All = [Unreadable, DigestMismatch, Limit, PlatformMissing, UnsupportedLayer];

    /// <summary>The rule of an <see cref="ImageException"/> code; <see cref="Unreadable"/> for a code that is none of them.</summary>
    public static RuleDescriptor For(string code) => All.FirstOrDefault(r => r.Id == code) ?? Unreadable;
}
