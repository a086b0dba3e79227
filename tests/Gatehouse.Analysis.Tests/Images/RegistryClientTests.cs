using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Images.Registry;

namespace Gatehouse.Analysis.Tests.Images;

/// <summary>Pulls from the real docker-registry on loopback: by tag, by digest, a multi-arch index, a missing image.</summary>
public sealed class RegistryClientTests(TestRegistry registry) : IClassFixture<TestRegistry>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gh-pull-").FullName;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private RegistryClient Client() => new(Http) { InsecureRegistries = new HashSet<string> { registry.Host } };

    private static ImageReference Ref(string text)
    {
        Assert.True(ImageReference.TryParse(text, out var r, out var error), error);
        return r!;
    }

    [Fact]
    public async Task Pull_by_tag_writes_a_private_layout_tar_with_the_same_manifest()
    {
        var destination = Path.Combine(_dir, "app.tar");
        var lines = new List<string>();
        var client = new RegistryClient(Http) { InsecureRegistries = new HashSet<string> { registry.Host }, Progress = lines.Add };
        var image = await client.PullAsync(Ref($"{registry.Host}/demo/app:1.0"), null, destination, ImagePolicy.Default, CancellationToken.None);
        using var local = ImageArchive.Open(registry.Images.Layout, ImagePolicy.Default);
        // oci -> registry keeps the manifest byte for byte, so the pulled digest is the layout's.
        Assert.Equal(local.Image.ManifestDigest, image.ManifestDigest);
        Assert.Equal("registry", image.Format);
        Assert.Equal($"{registry.Host}/demo/app:1.0", image.Reference);
        Assert.Equal(2, lines.Count); // one line per layer
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(destination));
        Assert.Single(Directory.GetFiles(_dir));
        using var pulled = ImageArchive.Open(destination, ImagePolicy.Default);
        Assert.Equal(local.Image.Layers, pulled.Image.Layers);
        ImageArchiveTests.ReadAllBlobs(pulled);
    }

    [Fact]
    public async Task Pull_by_digest_and_a_digest_the_registry_lacks()
    {
        using var local = ImageArchive.Open(registry.Images.Layout, ImagePolicy.Default);
        var image = await Client().PullAsync(Ref($"{registry.Host}/demo/app@{local.Image.ManifestDigest}"), null, Path.Combine(_dir, "d.tar"), ImagePolicy.Default, CancellationToken.None);
        Assert.Equal(local.Image.ManifestDigest, image.ManifestDigest);
        var e = await Assert.ThrowsAsync<ImageException>(() => Client().PullAsync(Ref($"{registry.Host}/demo/app@sha256:{new string('0', 64)}"), null,
            Path.Combine(_dir, "x.tar"), ImagePolicy.Default, CancellationToken.None));
        Assert.Equal("registry.not-found", e.Code);
    }

    [Fact]
    public async Task Multi_arch_index_resolves_to_the_policy_platform()
    {
        var arm = await Client().PullAsync(Ref($"{registry.Host}/demo/multi:1"), null, Path.Combine(_dir, "arm.tar"),
            ImagePolicy.Default with { Platforms = ["linux/arm64", "linux/amd64"] }, CancellationToken.None);
        Assert.Equal(registry.Arm64, arm.ManifestDigest);
        Assert.Equal(new ImagePlatform("linux", "arm64", "v8"), arm.Platform);
        var amd = await Client().PullAsync(Ref($"{registry.Host}/demo/multi:1"), null, Path.Combine(_dir, "amd.tar"), ImagePolicy.Default, CancellationToken.None);
        Assert.Equal(registry.Amd64, amd.ManifestDigest);
        var e = await Assert.ThrowsAsync<ImageException>(() => Client().PullAsync(Ref($"{registry.Host}/demo/multi:1"), null, Path.Combine(_dir, "none.tar"),
            ImagePolicy.Default with { Platforms = ["linux/riscv64"] }, CancellationToken.None));
        Assert.Equal("image.platform-missing", e.Code);
        Assert.False(File.Exists(Path.Combine(_dir, "none.tar")));
    }

    [Fact]
    public async Task Missing_repositories_and_tags_are_not_found_and_limits_apply_before_download()
    {
        Assert.Equal("registry.not-found", (await Assert.ThrowsAsync<ImageException>(() => Client().PullAsync(Ref($"{registry.Host}/demo/nothing:1"), null,
            Path.Combine(_dir, "a.tar"), ImagePolicy.Default, CancellationToken.None))).Code);
        Assert.Equal("registry.not-found", (await Assert.ThrowsAsync<ImageException>(() => Client().PullAsync(Ref($"{registry.Host}/demo/app:2.0"), null,
            Path.Combine(_dir, "b.tar"), ImagePolicy.Default, CancellationToken.None))).Code);
        Assert.Equal("image.limit", (await Assert.ThrowsAsync<ImageException>(() => Client().PullAsync(Ref($"{registry.Host}/demo/app:1.0"), null,
            Path.Combine(_dir, "c.tar"), ImagePolicy.Default with { MaxLayerBytes = 1000 }, CancellationToken.None))).Code);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task Https_is_required_unless_the_registry_is_insecure()
    {
        var e = await Assert.ThrowsAsync<ImageException>(() => new RegistryClient(Http).PullAsync(Ref($"{registry.Host}/demo/app:1.0"), null,
            Path.Combine(_dir, "a.tar"), ImagePolicy.Default, CancellationToken.None));
        Assert.Equal("registry.unreachable", e.Code);
    }
}
