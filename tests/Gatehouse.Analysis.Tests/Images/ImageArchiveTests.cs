using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Analysis.Images;

namespace Gatehouse.Analysis.Tests.Images;

/// <summary>The reader on real images made by umoci and skopeo: every format gives the same image, every blob verifies.</summary>
public sealed class ImageArchiveTests(RealImages images) : IClassFixture<RealImages>
{
    [Fact]
    public void Oci_layout_folder_reads_manifest_config_and_layers()
    {
        using var archive = ImageArchive.Open(images.Layout, ImagePolicy.Default);
        var image = archive.Image;
        Assert.Equal("oci-layout", image.Format);
        Assert.Equal("demo", image.Reference);
        Assert.Equal(new ImagePlatform("linux", "amd64"), image.Platform);
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", image.ManifestMediaType);
        Assert.Equal(Digest(archive.ManifestBytes.Span), image.ManifestDigest);
        Assert.Equal(Digest(archive.ConfigBytes.Span), image.ConfigDigest);
        Assert.Equal("1000:1000", image.Config.User);
        Assert.Equal("1.0", image.Config.Labels["org.opencontainers.image.version"]);
        Assert.Contains("PATH=/bin", image.Config.Env);
        Assert.Equal(["/bin/busybox"], image.Config.Cmd);
        Assert.Equal(2, image.Layers.Count);
        Assert.Equal("COPY rootfs /", image.Layers[0].CreatedBy);
        Assert.Equal("RUN rm /app/.env", image.Layers[1].CreatedBy);
        Assert.All(image.Layers, l => Assert.Equal("application/vnd.oci.image.layer.v1.tar+gzip", l.MediaType));
        // The manifest digest is what index.json names.
        Assert.Contains(image.ManifestDigest, File.ReadAllText(Path.Combine(images.Layout, "index.json")));
        ReadAllBlobs(archive);
    }

    [Fact]
    public void Oci_archive_tar_is_the_same_image_as_the_folder()
    {
        using var folder = ImageArchive.Open(images.Layout, ImagePolicy.Default);
        using var tar = ImageArchive.Open(images.OciArchive, ImagePolicy.Default);
        Assert.Equal(folder.Image.ManifestDigest, tar.Image.ManifestDigest);
        Assert.Equal(folder.Image.Layers, tar.Image.Layers);
        Assert.Equal("oci-layout", tar.Image.Format);
        ReadAllBlobs(tar);
    }

    [Fact]
    public void Docker_archive_gets_a_synthesised_v2s2_manifest_over_its_stored_blobs()
    {
        using var oci = ImageArchive.Open(images.Layout, ImagePolicy.Default);
        using var docker = ImageArchive.Open(images.DockerArchive, ImagePolicy.Default);
        var image = docker.Image;
        Assert.Equal("docker-archive", image.Format);
        Assert.Equal("docker.io/demo/app:1.0", image.Reference);
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", image.ManifestMediaType);
        Assert.Equal(oci.Image.ConfigDigest, image.ConfigDigest);
        Assert.Equal(oci.Image.Layers.Select(l => l.DiffId), image.Layers.Select(l => l.DiffId));
        Assert.Equal(oci.Image.Layers.Select(l => l.CreatedBy), image.Layers.Select(l => l.CreatedBy));
        // skopeo stores the layers uncompressed: the blob digest is the diff ID.
        Assert.All(image.Layers, l => Assert.Equal(l.DiffId, l.Digest));
        Assert.All(image.Layers, l => Assert.Equal("application/vnd.docker.image.rootfs.diff.tar", l.MediaType));
        Assert.Equal(Digest(docker.ManifestBytes.Span), image.ManifestDigest);
        using var manifest = JsonDocument.Parse(docker.ManifestBytes);
        Assert.Equal(image.ConfigDigest, manifest.RootElement.GetProperty("config").GetProperty("digest").GetString());
        Assert.Equal(image.Layers.Select(l => l.Size), manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("size").GetInt64()));
        ReadAllBlobs(docker);
    }

    [Fact]
    public void Gzip_compressed_docker_archive_reads_through_a_private_temp_file_deleted_on_dispose()
    {
        using var plain = ImageArchive.Open(images.DockerArchive, ImagePolicy.Default);
        string? temp;
        using (var gz = ImageArchive.Open(images.DockerArchiveGz, ImagePolicy.Default))
        {
            Assert.Equal(plain.Image.ManifestDigest, gz.Image.ManifestDigest);
            temp = gz.TemporaryFile;
            Assert.NotNull(temp);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(temp));
            ReadAllBlobs(gz);
        }
        Assert.False(File.Exists(temp));
    }

    [Fact]
    public void IsImage_recognises_every_format_and_nothing_else()
    {
        Assert.True(ImageArchive.IsImage(images.Layout));
        Assert.True(ImageArchive.IsImage(images.OciArchive));
        Assert.True(ImageArchive.IsImage(images.DockerArchive));
        Assert.True(ImageArchive.IsImage(images.DockerArchiveGz));
        Assert.False(ImageArchive.IsImage(images.Root));
        Assert.False(ImageArchive.IsImage(Path.Combine(images.Layout, "index.json")));
        var tar = Path.Combine(images.Root, "plain.tar");
        File.WriteAllBytes(tar, TestLayout.Tar([new("readme.txt", "hi"u8.ToArray())]));
        Assert.False(ImageArchive.IsImage(tar));
        Assert.False(ImageArchive.IsImage(Path.Combine(images.Root, "missing")));
    }

    [Fact]
    public void A_single_image_for_another_platform_is_platform_missing()
    {
        var e = Assert.Throws<ImageException>(() => ImageArchive.Open(images.DockerArchive, ImagePolicy.Default with { Platforms = ["linux/arm64"] }));
        Assert.Equal("image.platform-missing", e.Code);
        Assert.Contains("linux/amd64", e.Message);
        Assert.Equal("image.platform-missing",
            Assert.Throws<ImageException>(() => ImageArchive.Open(images.Layout, ImagePolicy.Default with { Platforms = ["linux/arm64"] })).Code);
    }

    [Fact]
    public void Limits_apply_to_real_images()
    {
        Assert.Equal("image.limit", Open(images.Layout, ImagePolicy.Default with { MaxLayers = 1 }));
        Assert.Equal("image.limit", Open(images.OciArchive, ImagePolicy.Default with { MaxLayerBytes = 1000 }));
        Assert.Equal("image.limit", Open(images.DockerArchive, ImagePolicy.Default with { MaxImageBytes = 100_000 }));
        Assert.Equal("image.limit", Open(images.DockerArchive, ImagePolicy.Default with { MaxJsonBytes = 100 }));
        Assert.Equal("image.limit", Open(images.Layout, ImagePolicy.Default with { MaxJsonBytes = 100 }));
    }

    private static string Open(string path, ImagePolicy policy) => Assert.Throws<ImageException>(() => ImageArchive.Open(path, policy)).Code;

    internal static void ReadAllBlobs(ImageArchive archive)
    {
        foreach (var layer in archive.Image.Layers)
        {
            using var s = archive.OpenBlob(layer.Digest);
            using var sha = SHA256.Create();
            Assert.Equal(layer.Digest, "sha256:" + Convert.ToHexStringLower(sha.ComputeHash(s)));
        }
        using var config = archive.OpenBlob(archive.Image.ConfigDigest);
        config.CopyTo(Stream.Null);
    }

    private static string Digest(ReadOnlySpan<byte> bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}
