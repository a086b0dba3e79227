using Gatehouse.Server.Data.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Blobs;

/// <summary>Start-up checks of <c>Blobs:Backend</c> and <c>Blobs:S3:*</c>: each refusal names the key to fix.</summary>
public sealed class S3SettingsTests
{
    private static IEnumerable<string> Failures(S3BlobStoreOptions s3) =>
        new BlobStoreOptionsValidator().Validate(null, new BlobStoreOptions { Backend = BlobBackend.S3, S3 = s3 }).Failures ?? [];

    private static S3BlobStoreOptions Good() => new() { ServiceUrl = "https://s3.example.test", Bucket = "gatehouse-blobs" };

    [Fact]
    public void Complete_settings_pass_and_the_file_backend_needs_none()
    {
        Assert.Empty(Failures(Good()));
        Assert.True(new BlobStoreOptionsValidator().Validate(null, new BlobStoreOptions()).Succeeded);
    }

    [Fact]
    public void A_missing_bucket_or_service_url_is_named()
    {
        Assert.Contains(Failures(new S3BlobStoreOptions { ServiceUrl = "https://s3.example.test" }), f => f.Contains("Blobs:S3:Bucket", StringComparison.Ordinal));
        Assert.Contains(Failures(new S3BlobStoreOptions { Bucket = "gatehouse-blobs" }), f => f.Contains("Blobs:S3:ServiceUrl", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ftp://s3.example.test", "Blobs:S3:ServiceUrl")]
    [InlineData("s3.example.test", "Blobs:S3:ServiceUrl")]
    [InlineData("https://user:pw@s3.example.test", "Blobs:S3:ServiceUrl")]
    public void A_bad_service_url_is_named(string url, string key)
    {
        var s3 = Good();
        s3.ServiceUrl = url;
        Assert.Contains(Failures(s3), f => f.Contains(key, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/abs")]
    [InlineData("a/../b/")]
    [InlineData("a//b")]
    [InlineData("a b/")]
    public void A_bad_prefix_is_named(string prefix)
    {
        var s3 = Good();
        s3.Prefix = prefix;
        Assert.Contains(Failures(s3), f => f.Contains("Blobs:S3:Prefix", StringComparison.Ordinal));
    }

    [Fact]
    public void An_access_key_without_a_secret_is_refused()
    {
        var s3 = Good();
        s3.AccessKey = "AKIDEXAMPLE";
        Assert.Contains(Failures(s3), f => f.Contains("Blobs:S3:SecretKey", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("gatehouse", "gatehouse/")]
    [InlineData("gatehouse/", "gatehouse/")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void The_prefix_ends_in_a_slash(string? prefix, string expected) =>
        Assert.Equal(expected, S3BlobStore.NormalizePrefix(prefix));

    [Fact]
    public void An_unknown_backend_stops_the_start_and_names_the_key()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Blobs:Backend"] = "ftp" }).Build();
        var ex = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddGatehouseBlobStore(config));
        Assert.Contains("Blobs:Backend", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_s3_backend_registers_the_s3_store_also_for_presigning()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Blobs:Backend"] = "S3" }).Build();
        var services = new ServiceCollection().AddGatehouseBlobStore(config);
        Assert.Contains(services, d => d.ServiceType == typeof(IPresigningBlobStore));
        Assert.Contains(services, d => d.ServiceType == typeof(S3BlobStore));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(FileSystemBlobStore));
        var files = new ServiceCollection().AddGatehouseBlobStore(new ConfigurationBuilder().Build());
        Assert.DoesNotContain(files, d => d.ServiceType == typeof(IPresigningBlobStore));
        Assert.Contains(files, d => d.ServiceType == typeof(FileSystemBlobStore));
    }
}
