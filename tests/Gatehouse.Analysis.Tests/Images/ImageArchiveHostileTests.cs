using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Analysis.Images;

namespace Gatehouse.Analysis.Tests.Images;

/// <summary>Hostile images generated in code: every digest, size, name and nesting an attacker controls.</summary>
public sealed class ImageArchiveHostileTests : IDisposable
{
    private const string OciLayer = "application/vnd.oci.image.layer.v1.tar+gzip";
    private const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    private const string OciIndex = "application/vnd.oci.image.index.v1+json";
    private const string OciConfig = "application/vnd.oci.image.config.v1+json";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gh-hostileimg-" + Guid.NewGuid().ToString("N"));
    private static readonly byte[] Layer = TestLayout.LayerTar(false, ("etc/hello", "hi"));

    public ImageArchiveHostileTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteTar(byte[] bytes, string name = "image.tar")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Code(Action a) => Assert.Throws<ImageException>(a).Code;

    private string CodeOf(TestLayout layout, ImagePolicy? policy = null) =>
        Code(() => ImageArchive.Open(WriteTar(layout.TarBytes(), Guid.NewGuid().ToString("N")), policy ?? ImagePolicy.Default).Dispose());

    /// <summary>Manifest with one layer whose descriptor is given, config consistent with one layer.</summary>
    private static TestLayout WithLayerDescriptor(Func<byte[], JsonObject> descriptor, byte[]? stored = null)
    {
        var layout = new TestLayout();
        var gz = TestLayout.Gzip(Layer);
        layout.AddBlob(stored ?? gz);
        var config = TestLayout.ConfigJson("linux/amd64", [Layer]);
        layout.AddBlob(config);
        var manifest = TestLayout.Json(TestLayout.ManifestJson(TestLayout.Descriptor(OciConfig, config), descriptor(gz)));
        layout.AddBlob(manifest);
        layout.SetIndex(TestLayout.IndexJson(TestLayout.Descriptor(OciManifest, manifest)));
        return layout;
    }

    [Fact]
    public void Generated_layout_reads_as_folder_and_tar_and_without_end_of_archive_blocks()
    {
        var layout = new TestLayout();
        layout.AddImage("linux/amd64", [Layer], history: [new JsonObject { ["created_by"] = "ENV A=1", ["empty_layer"] = true }, new JsonObject { ["created_by"] = "COPY . /" }]);
        using (var folder = ImageArchive.Open(layout.WriteFolder(Path.Combine(_dir, "layout")), ImagePolicy.Default))
        {
            Assert.Equal("COPY . /", folder.Image.Layers[0].CreatedBy);
            ImageArchiveTests.ReadAllBlobs(folder);
        }
        // docker save (25+) writes an OCI layout beside manifest.json, naming the image in io.containerd.image.name.
        var index = TestLayout.Parse(layout.Files["index.json"]);
        index["manifests"]![0]!["annotations"] = new JsonObject { ["io.containerd.image.name"] = "docker.io/acme/app:1.0", ["org.opencontainers.image.ref.name"] = "1.0" };
        layout.Files["index.json"] = TestLayout.Json(index);
        layout.Files["manifest.json"] = "[]"u8.ToArray();
        var tar = layout.TarBytes();
        // umoci 0.4.7 style: no end-of-archive blocks.
        var cut = tar.Length;
        while (cut >= 512 && tar.AsSpan(cut - 512, 512).IndexOfAnyExcept((byte)0) < 0) cut -= 512;
        using var truncated = ImageArchive.Open(WriteTar(tar[..cut]), ImagePolicy.Default);
        Assert.Equal("docker.io/acme/app:1.0", truncated.Image.Reference);
        Assert.Equal("oci-layout", truncated.Image.Format);
        ImageArchiveTests.ReadAllBlobs(truncated);
    }

    [Fact]
    public void Layer_bytes_that_do_not_match_the_digest_fail_when_read()
    {
        var layout = WithLayerDescriptor(gz => TestLayout.Descriptor(OciLayer, gz));
        var name = layout.Files.Keys.Single(k => k.EndsWith(TestLayout.Digest(TestLayout.Gzip(Layer))[7..], StringComparison.Ordinal));
        var tampered = (byte[])layout.Files[name].Clone();
        tampered[^1] ^= 0xFF; // same length, different bytes
        layout.Files[name] = tampered;
        using var archive = ImageArchive.Open(WriteTar(layout.TarBytes()), ImagePolicy.Default);
        using var blob = archive.OpenBlob(archive.Image.Layers[0].Digest);
        Assert.Equal("image.digest-mismatch", Code(() => blob.CopyTo(Stream.Null)));
    }

    [Fact]
    public void A_blob_longer_than_its_descriptor_is_refused()
    {
        var layout = WithLayerDescriptor(gz => TestLayout.Descriptor(OciLayer, TestLayout.Digest(gz), gz.Length - 10));
        Assert.Equal("image.digest-mismatch", CodeOf(layout));
    }

    [Fact]
    public void Manifest_and_config_digests_are_verified()
    {
        var layout = new TestLayout();
        var descriptor = layout.AddImage("linux/amd64", [Layer]);
        var manifestName = "blobs/sha256/" + descriptor["digest"]!.GetValue<string>()[7..];
        var manifest = layout.Files[manifestName];
        layout.Files[manifestName] = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(manifest).Replace("\"schemaVersion\":2", "\"schemaVersion\":3"));
        Assert.Equal("image.digest-mismatch", CodeOf(layout));

        var second = new TestLayout();
        second.AddImage("linux/amd64", [Layer]);
        var configName = second.Files.Keys.Single(k => second.Files[k].AsSpan().IndexOf("rootfs"u8) >= 0);
        second.Files[configName] = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(second.Files[configName]).Replace("amd64", "arm64"));
        Assert.Equal("image.digest-mismatch", CodeOf(second));
    }

    [Fact]
    public void Huge_declared_sizes_hit_the_limits_before_anything_is_read()
    {
        Assert.Equal("image.limit", CodeOf(WithLayerDescriptor(gz => TestLayout.Descriptor(OciLayer, TestLayout.Digest(gz), 1L << 40))));
        Assert.Equal("image.limit", CodeOf(WithLayerDescriptor(gz => TestLayout.Descriptor(OciLayer, gz)), ImagePolicy.Default with { MaxImageBytes = 50 }));
        var layout = new TestLayout();
        layout.SetIndex(TestLayout.IndexJson(TestLayout.Descriptor(OciManifest, "sha256:" + new string('a', 64), 1L << 33)));
        Assert.Equal("image.limit", CodeOf(layout));
    }

    [Fact]
    public void Oversized_json_is_refused_before_parsing()
    {
        var layout = new TestLayout();
        layout.AddImage("linux/amd64", [Layer]);
        layout.Files["index.json"] = Encoding.UTF8.GetBytes("{\"manifests\":[" + new string(' ', 5000) + "]}");
        Assert.Equal("image.limit", CodeOf(layout, ImagePolicy.Default with { MaxJsonBytes = 4096 }));
    }

    [Fact]
    public void Malformed_json_and_digests_are_unreadable()
    {
        var layout = new TestLayout();
        layout.AddImage("linux/amd64", [Layer]);
        layout.Files["index.json"] = "{\"manifests\": [ {"u8.ToArray();
        Assert.Equal("image.unreadable", CodeOf(layout));
        layout.SetIndex(TestLayout.IndexJson(TestLayout.Descriptor(OciManifest, "sha256:" + new string('A', 64), 10)));
        Assert.Equal("image.unreadable", CodeOf(layout));
        layout.SetIndex(TestLayout.IndexJson(TestLayout.Descriptor(OciManifest, "sha256:../../../../etc/passwd", 10)));
        Assert.Equal("image.unreadable", CodeOf(layout));

        var badConfig = new TestLayout();
        var config = "{\"os\":\"linux\",\"architecture\":"u8.ToArray();
        badConfig.AddBlob(config);
        var manifest = TestLayout.Json(TestLayout.ManifestJson(TestLayout.Descriptor(OciConfig, config)));
        badConfig.AddBlob(manifest);
        badConfig.SetIndex(TestLayout.IndexJson(TestLayout.Descriptor(OciManifest, manifest, "linux/amd64")));
        Assert.Equal("image.unreadable", CodeOf(badConfig));
    }

    [Fact]
    public void Config_fields_are_parsed_and_missing_ones_tolerated()
    {
        var layout = new TestLayout();
        var config = JsonNode.Parse("""
            {"User":"app","Env":["A=1"],"Labels":{"l":"v","n":1},"Entrypoint":["/bin/sh"],"Cmd":null,"WorkingDir":"/srv",
             "ExposedPorts":{"8080/tcp":{}},"Healthcheck":{"Test":["CMD-SHELL","true"],"Interval":30000000000,"Timeout":5000000000,"Retries":3}}
            """)!.AsObject();
        layout.AddImage("linux/amd64", [Layer], config);
        using var archive = ImageArchive.Open(WriteTar(layout.TarBytes()), ImagePolicy.Default);
        var c = archive.Image.Config;
        Assert.Equal("app", c.User);
        Assert.Equal(["A=1"], c.Env);
        Assert.Equal(new Dictionary<string, string> { ["l"] = "v" }, c.Labels);
        Assert.Equal(["/bin/sh"], c.Entrypoint);
        Assert.Null(c.Cmd);
        Assert.Equal("/srv", c.WorkingDir);
        Assert.Equal(["8080/tcp"], c.ExposedPorts);
        Assert.Equal(["CMD-SHELL", "true"], c.Healthcheck!.Test);
        Assert.Equal(TimeSpan.FromSeconds(30), c.Healthcheck.Interval);
        Assert.Equal(3, c.Healthcheck.Retries);
        Assert.Empty(c.History);
        Assert.Null(archive.Image.Layers[0].CreatedBy);
    }

    [Fact]
    public void Multi_arch_index_resolves_in_policy_order_and_refuses_missing_platforms()
    {
        var layout = new TestLayout();
        var amd = layout.AddImage("linux/amd64", [Layer], writeIndex: false);
        var arm = layout.AddImage("linux/arm64/v8", [TestLayout.LayerTar(false, ("etc/arm", "arm"))], writeIndex: false);
        var nested = TestLayout.Json(TestLayout.IndexJson(amd, arm));
        layout.AddBlob(nested);
        var top = TestLayout.Descriptor(OciIndex, nested);
        top["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = "multi" };
        layout.SetIndex(TestLayout.IndexJson(top));
        var path = WriteTar(layout.TarBytes());
        using (var a = ImageArchive.Open(path, ImagePolicy.Default with { Platforms = ["linux/arm64", "linux/amd64"] }))
        {
            Assert.Equal(new ImagePlatform("linux", "arm64", "v8"), a.Image.Platform);
            Assert.Equal(arm["digest"]!.GetValue<string>(), a.Image.ManifestDigest);
            Assert.Equal("multi", a.Image.Reference);
        }
        using (var b = ImageArchive.Open(path, ImagePolicy.Default))
            Assert.Equal(amd["digest"]!.GetValue<string>(), b.Image.ManifestDigest);
        Assert.Equal("image.platform-missing", Code(() => ImageArchive.Open(path, ImagePolicy.Default with { Platforms = ["linux/s390x", "windows/amd64"] })));
        Assert.Equal("image.platform-missing", Code(() => ImageArchive.Open(path, ImagePolicy.Default with { Platforms = ["linux/arm64/v7"] })));
    }

    [Fact]
    public void Deeply_nested_and_repeated_indexes_are_refused()
    {
        var layout = new TestLayout();
        var descriptor = layout.AddImage("linux/amd64", [Layer], writeIndex: false);
        for (var i = 0; i < 6; i++)
        {
            var index = TestLayout.Json(TestLayout.IndexJson(descriptor));
            layout.AddBlob(index);
            descriptor = TestLayout.Descriptor(OciIndex, index);
        }
        layout.SetIndex(TestLayout.IndexJson(descriptor));
        Assert.Equal("image.unreadable", CodeOf(layout));

        var repeated = new TestLayout();
        var m = repeated.AddImage("linux/amd64", [Layer], writeIndex: false);
        var inner = TestLayout.Json(TestLayout.IndexJson(m));
        repeated.AddBlob(inner);
        repeated.SetIndex(TestLayout.IndexJson(TestLayout.Descriptor(OciIndex, inner), TestLayout.Descriptor(OciIndex, inner)));
        Assert.Equal("image.unreadable", CodeOf(repeated));
    }

    [Fact]
    public void A_layer_in_an_unsupported_format_stays_in_the_image_with_its_media_type_for_the_expander_to_report()
    {
        const string zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
        var layout = WithLayerDescriptor(gz => TestLayout.Descriptor(zstd, gz));
        using var archive = ImageArchive.Open(WriteTar(layout.TarBytes(), Guid.NewGuid().ToString("N")), ImagePolicy.Default);

        Assert.Equal(zstd, Assert.Single(archive.Image.Layers).MediaType);
    }

    [Fact]
    public void Symlinked_blobs_in_a_folder_layout_are_refused()
    {
        var layout = new TestLayout();
        layout.AddImage("linux/amd64", [Layer]);
        var dir = layout.WriteFolder(Path.Combine(_dir, "layout"));
        var gzName = TestLayout.Digest(TestLayout.Gzip(Layer))[7..];
        var blob = Path.Combine(dir, "blobs", "sha256", gzName);
        var elsewhere = Path.Combine(_dir, "outside");
        File.Move(blob, elsewhere);
        File.CreateSymbolicLink(blob, elsewhere);
        Assert.Equal("image.unreadable", Code(() => ImageArchive.Open(dir, ImagePolicy.Default)));
    }

    [Fact]
    public void A_tar_member_that_is_a_link_or_repeated_is_not_followed()
    {
        var layout = new TestLayout();
        layout.AddImage("linux/amd64", [Layer]);
        var files = layout.Files.ToList();
        files.Add(new("index.json", layout.Files["index.json"]));
        Assert.Equal("image.unreadable", Code(() => ImageArchive.Open(WriteTar(TestLayout.Tar(files)), ImagePolicy.Default)));
    }

    [Theory]
    [InlineData("../layer.tar")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../layer.tar")]
    [InlineData("a//layer.tar")]
    public void Docker_archive_paths_must_be_plain_relative(string layerPath)
    {
        var config = TestLayout.ConfigJson("linux/amd64", [Layer]);
        var manifest = new JsonArray(new JsonObject { ["Config"] = "config.json", ["RepoTags"] = new JsonArray("x:1"), ["Layers"] = new JsonArray(layerPath) });
        var files = new Dictionary<string, byte[]> { ["manifest.json"] = TestLayout.Json(manifest), ["config.json"] = config, ["layer.tar"] = Layer };
        Assert.Equal("image.unreadable", Code(() => ImageArchive.Open(WriteTar(TestLayout.Tar(files)), ImagePolicy.Default)));
    }

    [Fact]
    public void Docker_archive_with_gzip_layer_under_an_arbitrary_name_is_hashed_and_verified()
    {
        var config = TestLayout.ConfigJson("linux/amd64", [Layer]);
        var gz = TestLayout.Gzip(Layer);
        var manifest = new JsonArray(new JsonObject { ["Config"] = "config.json", ["Layers"] = new JsonArray("abc/layer.tar") });
        var files = new Dictionary<string, byte[]> { ["manifest.json"] = TestLayout.Json(manifest), ["config.json"] = config, ["abc/layer.tar"] = gz };
        using var archive = ImageArchive.Open(WriteTar(TestLayout.Tar(files)), ImagePolicy.Default);
        Assert.Equal(TestLayout.Digest(gz), archive.Image.Layers[0].Digest);
        Assert.Equal("application/vnd.docker.image.rootfs.diff.tar.gzip", archive.Image.Layers[0].MediaType);
        Assert.Null(archive.Image.Reference);
        ImageArchiveTests.ReadAllBlobs(archive);

        // A plain layer whose bytes are not its diff ID: the digest check catches it when read.
        files["abc/layer.tar"] = TestLayout.LayerTar(false, ("etc/other", "x"));
        using var lying = ImageArchive.Open(WriteTar(TestLayout.Tar(files), "lying.tar"), ImagePolicy.Default);
        using var blob = lying.OpenBlob(lying.Image.Layers[0].Digest);
        Assert.Equal("image.digest-mismatch", Code(() => blob.CopyTo(Stream.Null)));
    }

    [Fact]
    public void Gzip_outer_tar_expanding_past_the_limit_is_refused()
    {
        var path = Path.Combine(_dir, "bomb.tar.gz");
        using (var f = File.Create(path))
        using (var gz = new GZipStream(f, CompressionLevel.Fastest))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 70; i++) gz.Write(zeros);
        }
        var before = Directory.GetFiles(Path.GetTempPath(), "gatehouse-image-*").Length;
        Assert.Equal("image.limit", Code(() => ImageArchive.Open(path, ImagePolicy.Default with { MaxImageBytes = 1 })));
        Assert.True(Directory.GetFiles(Path.GetTempPath(), "gatehouse-image-*").Length <= before);
    }

    [Fact]
    public void Blobs_not_in_the_image_cannot_be_opened()
    {
        var layout = new TestLayout();
        layout.AddImage("linux/amd64", [Layer]);
        using var archive = ImageArchive.Open(WriteTar(layout.TarBytes()), ImagePolicy.Default);
        Assert.Equal("image.unreadable", Code(() => archive.OpenBlob(archive.Image.ManifestDigest)));
        Assert.Equal("image.unreadable", Code(() => archive.OpenBlob("../../etc/passwd")));
    }
}
