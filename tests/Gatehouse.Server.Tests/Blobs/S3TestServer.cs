using System.Security.Cryptography;
using Gatehouse.Server.Data.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Tests.Blobs;

/// <summary>
/// The throw-away s3rver that <c>test.sh</c> starts (<c>GATEHOUSE_TEST_S3</c>, its URL; bucket <c>gatehouse-test</c>,
/// keys S3RVER/S3RVER). Each test uses its own key prefix, so tests never see each other's objects.
/// s3rver does not check signatures: these tests prove storage and URL shape, never that tampering is refused.
/// </summary>
internal static class S3TestServer
{
    public const string Variable = "GATEHOUSE_TEST_S3";
    public const string Bucket = "gatehouse-test";
    public const string Key = "S3RVER";

    public static string Url => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } url
        ? url
        : throw new InvalidOperationException($"S3 tests need {Variable} (the URL of an s3rver with bucket {Bucket}); ./test.sh starts one and sets it.");

    public static string NewPrefix() => $"test-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}/";

    /// <summary>The <c>Blobs</c> settings of a server that stores in the test bucket under <paramref name="prefix"/>.</summary>
    public static Dictionary<string, string?> Settings(string prefix) => new()
    {
        ["Blobs:Backend"] = "s3",
        ["Blobs:S3:ServiceUrl"] = Url,
        ["Blobs:S3:Bucket"] = Bucket,
        ["Blobs:S3:AccessKey"] = Key,
        ["Blobs:S3:SecretKey"] = Key,
        ["Blobs:S3:Prefix"] = prefix,
    };

    public static S3BlobStore Store(string spoolRoot, string prefix, long maxBytes = 64L << 20, string? serviceUrl = null) =>
        new(Options.Create(new BlobStoreOptions
        {
            Backend = BlobBackend.S3,
            Path = spoolRoot,
            MaxBytes = maxBytes,
            S3 = new S3BlobStoreOptions
            {
                ServiceUrl = serviceUrl ?? Url, Bucket = Bucket, AccessKey = Key, SecretKey = Key, Prefix = prefix,
            },
        }), NullLogger<S3BlobStore>.Instance);
}
