using System.Buffers.Text;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Gatehouse.Server.Registry;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Server.Tests.Registry;

/// <summary>The registry token's shape, signature and key handling, without a host (the real registry checks them in <see cref="RegistryDistributionTests"/>).</summary>
public sealed class RegistryTokenTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-registry-key-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (JsonElement Header, JsonElement Claims, byte[] SigningInput, byte[] Signature) Split(string jwt)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        return (JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement, JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement,
            Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]));
    }

    [Fact]
    public void A_token_carries_the_registry_claims_and_is_signed_ES256_by_the_certificate_in_x5c()
    {
        using var key = RegistryTokenKey.LoadOrCreate(_dir, new FakeTimeProvider(Now));
        var options = new RegistryOptions { Url = "http://127.0.0.1:5000", Service = "reg.test", Issuer = "gh.test", TokenLifetime = TimeSpan.FromMinutes(5) };
        var claims = RegistryTokens.ClaimsFor(options, "tenant-1", [new RegistryAccess("repository", "apps/tool", ["pull"])], Now);
        var (header, body, input, signature) = Split(RegistryTokens.Sign(claims, key));

        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.GetProperty("typ").GetString());
        using var cert = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(header.GetProperty("x5c")[0].GetString()!));
        Assert.Equal(key.Certificate.Thumbprint, cert.Thumbprint);
        Assert.Equal(64, signature.Length); // r || s (JWS), not DER
        Assert.True(cert.GetECDsaPublicKey()!.VerifyData(input, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

        Assert.Equal("gh.test", body.GetProperty("iss").GetString());
        Assert.Equal("tenant-1", body.GetProperty("sub").GetString());
        // One string, not an array: docker-registry 2.8 reads aud into a string and rejects anything else as malformed.
        Assert.Equal(JsonValueKind.String, body.GetProperty("aud").ValueKind);
        Assert.Equal("reg.test", body.GetProperty("aud").GetString());
        Assert.Equal(Now.ToUnixTimeSeconds(), body.GetProperty("iat").GetInt64());
        Assert.Equal(Now.ToUnixTimeSeconds(), body.GetProperty("nbf").GetInt64());
        Assert.Equal(Now.AddMinutes(5).ToUnixTimeSeconds(), body.GetProperty("exp").GetInt64());
        Assert.Equal(32, body.GetProperty("jti").GetString()!.Length);
        var access = Assert.Single(body.GetProperty("access").EnumerateArray());
        Assert.Equal(("repository", "apps/tool", "pull"), (access.GetProperty("type").GetString(), access.GetProperty("name").GetString(),
            Assert.Single(access.GetProperty("actions").EnumerateArray()).GetString()));
    }

    [Fact]
    public void A_token_that_grants_nothing_has_an_empty_access_list_and_two_tokens_never_share_an_id()
    {
        using var key = RegistryTokenKey.LoadOrCreate(_dir, new FakeTimeProvider(Now));
        var options = new RegistryOptions { Url = "http://127.0.0.1:5000" };
        var a = Split(RegistryTokens.Sign(RegistryTokens.ClaimsFor(options, "t", [], Now), key)).Claims;
        var b = Split(RegistryTokens.Sign(RegistryTokens.ClaimsFor(options, "t", [], Now), key)).Claims;
        Assert.Empty(a.GetProperty("access").EnumerateArray());
        Assert.NotEqual(a.GetProperty("jti").GetString(), b.GetProperty("jti").GetString());
    }

    [Fact]
    public void The_key_is_made_once_kept_private_and_its_certificate_written_where_the_registry_reads_it()
    {
        var clock = new FakeTimeProvider(Now);
        string pem;
        using (var first = RegistryTokenKey.LoadOrCreate(_dir, clock))
        {
            pem = first.CertificatePem;
            first.WriteCertificateTo(Path.Combine(_dir, "bundle", "root.crt"));
        }
        using var again = RegistryTokenKey.LoadOrCreate(_dir, clock);
        Assert.Equal(pem, again.CertificatePem);
        Assert.Equal(pem, File.ReadAllText(Path.Combine(_dir, "bundle", "root.crt")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_dir, RegistryTokenKey.KeyFile)));
        Assert.DoesNotContain("PRIVATE", pem, StringComparison.Ordinal);
        Assert.True(again.Certificate.NotBefore.ToUniversalTime() < Now.UtcDateTime && again.Certificate.NotAfter.ToUniversalTime() > Now.AddYears(10).UtcDateTime);
    }

    [Theory]
    [InlineData("repository:apps/tool:pull", "repository", "apps/tool", "pull")]
    [InlineData("repository:apps/tool:pull,push", "repository", "apps/tool", "pull,push")]
    [InlineData("repository:127.0.0.1:5000/apps/tool:pull", "repository", "127.0.0.1:5000/apps/tool", "pull")]
    [InlineData("registry:catalog:*", "registry", "catalog", "*")]
    public void Scopes_parse_into_type_name_and_actions(string scope, string type, string name, string actions)
    {
        var a = RegistryAccess.Parse(scope);
        Assert.NotNull(a);
        Assert.Equal((type, name, actions), (a.Type, a.Name, string.Join(',', a.Actions)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("repository")]
    [InlineData("repository:apps/tool")]
    [InlineData(":apps/tool:pull")]
    [InlineData("repository::pull")]
    [InlineData("repository:apps/tool:")]
    public void Malformed_scopes_are_refused(string scope) => Assert.Null(RegistryAccess.Parse(scope));

    [Fact]
    public void An_overlong_scope_is_refused() => Assert.Null(RegistryAccess.Parse("repository:apps/" + new string('a', 600) + ":pull"));

    [Theory]
    [InlineData("1.0.0", "1.0.0")]
    [InlineData("1.0.0+build.7", "1.0.0-build.7")]
    [InlineData(".hidden", "v.hidden")]
    public void Versions_become_valid_tags(string version, string tag) => Assert.Equal(tag, RegistryNames.Tag(version));

    [Theory]
    [InlineData("apps/tool", "tool")]
    [InlineData("apps/my-tool-2", "my-tool-2")]
    [InlineData("apps/tool/extra", null)]
    [InlineData("other/tool", null)]
    [InlineData("apps/", null)]
    [InlineData("apps/Tool", null)]
    public void Only_the_prefix_repositories_name_an_app(string repository, string? slug) =>
        Assert.Equal(slug, RegistryNames.SlugOf(new RegistryOptions(), repository));

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("http://127.0.0.1:5000", null, true)]
    [InlineData("https://registry.internal", "registry.example.com", true)]
    [InlineData("https://registry.internal", "registry.example.com:5443", true)]
    [InlineData("ftp://registry", null, false)]
    [InlineData("http://127.0.0.1:5000/v2/", null, false)]
    [InlineData("http://user:pw@127.0.0.1:5000", null, false)]
    [InlineData("http://127.0.0.1:5000", "https://registry.example.com", false)]
    [InlineData("http://127.0.0.1:5000", "registry.example.com/apps", false)]
    public void Options_accept_an_origin_and_a_bare_public_host(string? url, string? publicHost, bool valid)
    {
        var o = new RegistryOptions { Url = url, PublicHost = publicHost };
        var results = new List<ValidationResult>();
        Assert.Equal(valid, Validator.TryValidateObject(o, new ValidationContext(o), results, validateAllProperties: true));
    }

    [Fact]
    public void The_pull_commands_name_the_public_host_the_tenant_and_the_tag()
    {
        var tenant = Guid.NewGuid();
        var pull = RegistryPull.For(new RegistryOptions { Url = "http://127.0.0.1:5000", PublicHost = "registry.example.com" }, "tool", "1.0.0+b1", tenant)!;
        Assert.Equal("registry.example.com/apps/tool:1.0.0-b1", pull.Image);
        Assert.Contains($"--src-creds \"{tenant:D}:$GATEHOUSE_TOKEN\" docker://registry.example.com/apps/tool:1.0.0-b1", pull.Skopeo, StringComparison.Ordinal);
        Assert.Null(RegistryPull.For(new RegistryOptions(), "tool", "1.0.0", tenant));
    }
}
