using Gatehouse.Analysis.Images;

namespace Gatehouse.Analysis.Tests.Images;

public sealed class ImageReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    // text, registry, repository, tag, digest
    [InlineData("registry.example.com/team/app:1.2", "registry.example.com", "team/app", "1.2", null)]
    [InlineData("127.0.0.1:5000/a/b:1", "127.0.0.1:5000", "a/b", "1", null)]
    [InlineData("127.0.0.1:5000/a/b", "127.0.0.1:5000", "a/b", null, null)]
    [InlineData("localhost/app", "localhost", "app", null, null)]
    [InlineData("localhost:5000/app:latest", "localhost:5000", "app", "latest", null)]
    [InlineData("docker://ghcr.io/o/r:v1", "ghcr.io", "o/r", "v1", null)]
    [InlineData("ghcr.io/o/r@sha256:" + Hex, "ghcr.io", "o/r", null, "sha256:" + Hex)]
    [InlineData("ghcr.io/o/r:v1@sha256:" + Hex, "ghcr.io", "o/r", "v1", "sha256:" + Hex)]
    [InlineData("[::1]:5000/x:y", "[::1]:5000", "x", "y", null)]
    [InlineData("Registry.Example.com/x", "Registry.Example.com", "x", null, null)]
    [InlineData("team/app:1", null, "team/app", "1", null)]
    [InlineData("app", null, "app", null, null)]
    [InlineData("r.io/a.b/c_d/e__f/g-h/i--j:T_a.g-1", "r.io", "a.b/c_d/e__f/g-h/i--j", "T_a.g-1", null)]
    public void Valid_references(string text, string? registry, string repository, string? tag, string? digest)
    {
        Assert.True(ImageReference.TryParse(text, out var r, out var error), error);
        Assert.Equal(new ImageReference(registry, repository, tag, digest), r);
    }

    [Theory]
    [InlineData("")]
    [InlineData("docker://")]
    [InlineData("r.io/Team/app")]
    [InlineData("r.io/app:")]
    [InlineData("r.io/app:.tag")]
    [InlineData("r.io/app:-tag")]
    [InlineData("r.io/app@sha256:ABC")]
    [InlineData("r.io/app@sha256:" + Hex + "0")]
    [InlineData("r.io/app@sha512:" + Hex)]
    [InlineData("r.io//app")]
    [InlineData("r.io/app/")]
    [InlineData("r.io/-app")]
    [InlineData("r.io/a___b")]
    [InlineData("bad_host.io/app")]
    [InlineData("-r.io/app")]
    [InlineData("r.io:port/app")]
    [InlineData("r.io/app name")]
    [InlineData("r.io/../etc")]
    public void Invalid_references(string text)
    {
        Assert.False(ImageReference.TryParse(text, out var r, out var error));
        Assert.Null(r);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Tags_are_at_most_128_characters_and_names_255()
    {
        Assert.True(ImageReference.TryParse("r.io/a:" + new string('t', 128), out _, out _));
        Assert.False(ImageReference.TryParse("r.io/a:" + new string('t', 129), out _, out _));
        Assert.False(ImageReference.TryParse("r.io/" + new string('a', 260), out _, out _));
    }

    [Fact]
    public void Canonical_form_round_trips()
    {
        const string text = "127.0.0.1:5000/a/b:1@sha256:" + Hex;
        Assert.True(ImageReference.TryParse(text, out var r, out _));
        Assert.Equal(text, r!.ToString());
    }
}
