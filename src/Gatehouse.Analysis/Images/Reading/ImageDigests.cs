using System.Security.Cryptography;

namespace Gatehouse.Analysis.Images.Reading;

/// <summary>Digest and name checks shared by the image reader and the registry client.</summary>
internal static class ImageDigests
{
    /// <summary><c>sha256:</c> followed by exactly 64 lowercase hex digits (the only algorithm Gatehouse accepts).</summary>
    public static bool IsValid(string? digest) =>
        digest is { Length: 71 } && digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.AsSpan(7).IndexOfAnyExcept("0123456789abcdef") < 0;

    public static string Of(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A docker-archive member path from manifest.json: relative, no <c>..</c>, no empty or <c>.</c> segments, no backslash or NUL.</summary>
    public static bool IsSafeRelativePath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > 1024) return false;
        if (path[0] == '/' || path.Contains('\\') || path.Contains('\0') || path.Contains(':')) return false;
        foreach (var segment in path.Split('/'))
            if (segment.Length == 0 || segment is "." or "..") return false;
        return true;
    }
}

/// <summary>Media types the reader knows.</summary>
internal static class ImageMediaTypes
{
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string DockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerTar = "application/vnd.docker.image.rootfs.diff.tar";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    public const string OciLayerTar = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciNondistributableTar = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    public const string OciNondistributableGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerList;
    public static bool IsManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;

    /// <summary>Layers the expander can read: plain or gzip tars (zstd and others are <c>image.unsupported-layer</c>).</summary>
    public static bool IsSupportedLayer(string? mediaType) => mediaType is OciLayerTar or OciLayerGzip or DockerLayerTar or DockerLayerGzip
        or DockerForeignLayerGzip or OciNondistributableTar or OciNondistributableGzip;
}
