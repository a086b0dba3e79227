using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Images.Registry;

namespace Gatehouse.Analysis.Tests.Images;

/// <summary>Authentication and transport of the pull against an in-test registry: bearer tokens, basic auth, redirects, tampering, the SSRF guard.</summary>
public sealed class RegistryAuthTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gh-auth-").FullName;
    private FakeRegistry _server = null!;
    private string _manifestDigest = null!;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        var layout = new TestLayout();
        _manifestDigest = layout.AddImage("linux/amd64", [TestLayout.LayerTar(false, ("etc/motd", new string('x', 300)))])["digest"]!.GetValue<string>();
        _server = await FakeRegistry.StartAsync(layout, _manifestDigest);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private Task<ContainerImage> Pull(RegistryCredentials? credentials, HttpClient? http = null, string tag = "v1") =>
        new RegistryClient(http ?? Http) { InsecureRegistries = new HashSet<string> { _server.Host } }
            .PullAsync(Ref($"{_server.Host}/team/app:{tag}"), credentials, Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".tar"), ImagePolicy.Default, CancellationToken.None);

    private static ImageReference Ref(string text)
    {
        Assert.True(ImageReference.TryParse(text, out var r, out var error), error);
        return r!;
    }

    [Fact]
    public async Task Bearer_challenge_gets_a_token_from_the_realm_with_basic_credentials_and_follows_blob_redirects()
    {
        var image = await Pull(new RegistryCredentials(FakeRegistry.User, FakeRegistry.Password));
        Assert.Equal(_manifestDigest, image.ManifestDigest); // computed locally, the false Docker-Content-Digest ignored
        Assert.Contains(_server.TokenRequests, q => q.Contains("scope=repository%3Ateam%2Fapp%3Apull") && q.Contains("service=fake%20registry"));
        Assert.Equal(0, _server.StorageRequestsWithAuthorization);
        _server.AccessTokenField = true;
        Assert.Equal(_manifestDigest, (await Pull(new RegistryCredentials(FakeRegistry.User, FakeRegistry.Password))).ManifestDigest);
    }

    [Fact]
    public async Task Wrong_or_missing_credentials_are_unauthorized_and_never_echo_the_password()
    {
        var e = await Assert.ThrowsAsync<ImageException>(() => Pull(new RegistryCredentials(FakeRegistry.User, "wrong-Pa55word")));
        Assert.Equal("registry.unauthorized", e.Code);
        Assert.DoesNotContain("wrong-Pa55word", e.ToString());
        Assert.Equal("registry.unauthorized", (await Assert.ThrowsAsync<ImageException>(() => Pull(null))).Code);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task Basic_auth_challenge_is_answered_with_the_credentials()
    {
        _server.BasicOnly = true;
        Assert.Equal(_manifestDigest, (await Pull(new RegistryCredentials(FakeRegistry.User, FakeRegistry.Password))).ManifestDigest);
        Assert.Equal("registry.unauthorized", (await Assert.ThrowsAsync<ImageException>(() => Pull(null))).Code);
    }

    [Fact]
    public async Task A_tampered_blob_fails_the_pull_and_leaves_no_file()
    {
        _server.TamperBlobs = true;
        var e = await Assert.ThrowsAsync<ImageException>(() => Pull(new RegistryCredentials(FakeRegistry.User, FakeRegistry.Password)));
        Assert.Equal("image.digest-mismatch", e.Code);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task The_server_client_refuses_loopback_unless_the_registry_is_allowed()
    {
        using var guarded = RegistryClient.CreateHttpClient([]);
        var e = await Assert.ThrowsAsync<ImageException>(() => Pull(new RegistryCredentials(FakeRegistry.User, FakeRegistry.Password), guarded));
        // Refused, and said so with its own code: the vendor named a registry Gatehouse may not reach (not "unreachable").
        Assert.Equal(RegistryClient.AddressRefusedCode, e.Code);
        using var allowed = RegistryClient.CreateHttpClient([_server.Host]);
        Assert.Equal(_manifestDigest, (await Pull(new RegistryCredentials(FakeRegistry.User, FakeRegistry.Password), allowed)).ManifestDigest);
        using var network = RegistryClient.CreateHttpClient(["127.0.0.0/8"]);
        Assert.Equal(_manifestDigest, (await Pull(new RegistryCredentials(FakeRegistry.User, FakeRegistry.Password), network)).ManifestDigest);
    }
}
