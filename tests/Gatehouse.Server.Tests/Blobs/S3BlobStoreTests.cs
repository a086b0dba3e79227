using System.Diagnostics;
using System.Security.Cryptography;
using System.Web;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Tests.Blobs;

/// <summary>
/// The S3 blob store against a real S3-compatible server (s3rver, started by test.sh). Each test has its own
/// key prefix and spool folder.
/// </summary>
public sealed class S3BlobStoreTests : IDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly string _spool = Directory.CreateTempSubdirectory("gatehouse-s3spool-").FullName;
    private readonly string _prefix = S3TestServer.NewPrefix();

    public void Dispose() => Directory.Delete(_spool, recursive: true);

    private S3BlobStore Store(long max = 64L << 20) => S3TestServer.Store(_spool, _prefix, max);

    private IEnumerable<string> SpoolFiles() => Directory.EnumerateFiles(Path.Combine(_spool, "tmp"));

    private static string DigestOf(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Every object key under this test's prefix, listed with the SDK directly.</summary>
    private async Task<List<string>> ObjectKeysAsync()
    {
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(S3TestServer.Key, S3TestServer.Key),
            new AmazonS3Config { ServiceURL = S3TestServer.Url, ForcePathStyle = true, UseHttp = true, AuthenticationRegion = "us-east-1" });
        var list = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3TestServer.Bucket, Prefix = _prefix });
        return (list.S3Objects ?? []).Select(o => o.Key).ToList();
    }

    private static async Task<byte[]> ReadAllAsync(Stream? stream)
    {
        Assert.NotNull(stream);
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(300_000)]
    [InlineData(5 * 1024 * 1024 + 7)] // several MB, not a multiple of any buffer
    public async Task A_blob_is_stored_under_its_sha256_and_reads_back_byte_for_byte(int size)
    {
        var content = RandomNumberGenerator.GetBytes(size);
        using var store = Store();
        var blob = await store.PutAsync(new MemoryStream(content), None);

        Assert.Equal(DigestOf(content), blob.Digest);
        Assert.Equal(size, blob.Length);
        Assert.Equal(content, await ReadAllAsync(await store.OpenReadAsync(blob.Digest, None)));
        var hex = blob.Digest["sha256:".Length..];
        Assert.Equal([$"{_prefix}sha256/{hex[..2]}/{hex[2..4]}/{hex}"], await ObjectKeysAsync());
        Assert.Empty(SpoolFiles());
    }

    [Fact]
    public async Task The_same_content_twice_is_one_object_and_leaves_no_spool_file()
    {
        var content = RandomNumberGenerator.GetBytes(10_000);
        using var store = Store();
        var a = await store.PutAsync(new MemoryStream(content), None);
        var b = await store.PutAsync(new MemoryStream(content), None);
        Assert.Equal(a, b);
        Assert.Single(await ObjectKeysAsync());
        Assert.Empty(SpoolFiles());
        Assert.Equal(content, await ReadAllAsync(await store.OpenReadAsync(a.Digest, None)));
    }

    [Fact]
    public async Task Content_over_the_limit_is_refused_and_nothing_is_stored_or_left_behind()
    {
        var content = RandomNumberGenerator.GetBytes(4097);
        using var store = Store(max: 4096);
        var ex = await Assert.ThrowsAsync<BlobTooLargeException>(() => store.PutAsync(new MemoryStream(content), None));
        Assert.Equal(4096, ex.Limit);
        Assert.Null(await store.GetLengthAsync(DigestOf(content), None));
        Assert.Empty(await ObjectKeysAsync());
        Assert.Empty(SpoolFiles());
    }

    [Fact]
    public async Task Content_at_the_limit_is_accepted()
    {
        var content = RandomNumberGenerator.GetBytes(4096);
        using var store = Store(max: 4096);
        Assert.Equal(4096, (await store.PutAsync(new MemoryStream(content), None)).Length);
    }

    [Fact]
    public async Task An_upload_interrupted_half_way_stores_nothing_and_leaves_no_spool_file()
    {
        using var store = Store();
        await Assert.ThrowsAsync<IOException>(() => store.PutAsync(new BreakingStream(200_000), None));
        Assert.Empty(await ObjectKeysAsync());
        Assert.Empty(SpoolFiles());
    }

    [Fact]
    public async Task Ranges_return_exactly_the_bytes_asked_for_at_the_start_the_middle_and_the_end()
    {
        var content = RandomNumberGenerator.GetBytes(1_000_000);
        using var store = Store();
        var blob = await store.PutAsync(new MemoryStream(content), None);

        Assert.Equal(content[..100], await ReadAllAsync(await store.OpenRangeAsync(blob.Digest, 0, 100, None)));
        Assert.Equal(content[400_000..600_001], await ReadAllAsync(await store.OpenRangeAsync(blob.Digest, 400_000, 200_001, None)));
        Assert.Equal(content[^1..], await ReadAllAsync(await store.OpenRangeAsync(blob.Digest, content.Length - 1, 1, None)));
        Assert.Equal(content, await ReadAllAsync(await store.OpenRangeAsync(blob.Digest, 0, content.Length, None)));
        Assert.Empty(await ReadAllAsync(await store.OpenRangeAsync(blob.Digest, 10, 0, None)));
    }

    [Fact]
    public async Task Length_exists_and_delete_follow_the_object()
    {
        var content = RandomNumberGenerator.GetBytes(12_345);
        using var store = Store();
        var blob = await store.PutAsync(new MemoryStream(content), None);

        Assert.Equal(12_345, await store.GetLengthAsync(blob.Digest, None));
        Assert.True(await store.ExistsAsync(blob.Digest, None));
        Assert.True(await store.DeleteAsync(blob.Digest, None));
        Assert.False(await store.ExistsAsync(blob.Digest, None));
        Assert.Null(await store.GetLengthAsync(blob.Digest, None));
        Assert.Null(await store.OpenReadAsync(blob.Digest, None));
        Assert.False(await store.DeleteAsync(blob.Digest, None));
        Assert.Empty(await ObjectKeysAsync());
    }

    [Fact]
    public async Task An_unknown_digest_reads_as_missing()
    {
        var digest = DigestOf(RandomNumberGenerator.GetBytes(32));
        using var store = Store();
        Assert.Null(await store.OpenReadAsync(digest, None));
        Assert.Null(await store.OpenRangeAsync(digest, 0, 10, None));
        Assert.Null(await store.OpenRangeAsync(digest, 0, 0, None));
        Assert.Null(await store.GetLengthAsync(digest, None));
        Assert.False(await store.ExistsAsync(digest, None));
        Assert.False(await store.DeleteAsync(digest, None));
    }

    [Theory]
    [InlineData("sha256:../../etc/passwd")]
    [InlineData("sha256:ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789")]
    [InlineData("md5:0123456789abcdef0123456789abcdef")]
    [InlineData("")]
    public async Task A_malformed_digest_is_missing_without_any_request(string digest)
    {
        // Pointed at a port nobody listens on: any request would throw, so a null proves none was made.
        using var store = S3TestServer.Store(_spool, _prefix, serviceUrl: "http://127.0.0.1:1");
        Assert.Null(await store.OpenReadAsync(digest, None));
        Assert.Null(await store.OpenRangeAsync(digest, 0, 1, None));
        Assert.Null(await store.GetLengthAsync(digest, None));
        Assert.False(await store.ExistsAsync(digest, None));
        Assert.False(await store.DeleteAsync(digest, None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.PresignGetAsync(digest, TimeSpan.FromMinutes(5), "text/plain", "attachment", None));
    }

    [Fact]
    public async Task An_unreachable_endpoint_throws_and_is_never_read_as_a_missing_blob()
    {
        var digest = DigestOf([1, 2, 3]);
        using var store = S3TestServer.Store(_spool, _prefix, serviceUrl: "http://127.0.0.1:1");
        var sw = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<Exception>(() => store.GetLengthAsync(digest, None));
        await Assert.ThrowsAnyAsync<Exception>(() => store.ExistsAsync(digest, None));
        await Assert.ThrowsAnyAsync<Exception>(() => store.OpenReadAsync(digest, None));
        await Assert.ThrowsAnyAsync<Exception>(() => store.OpenRangeAsync(digest, 0, 1, None));
        await Assert.ThrowsAnyAsync<Exception>(() => store.DeleteAsync(digest, None));
        await Assert.ThrowsAnyAsync<Exception>(() => store.PutAsync(new MemoryStream([1, 2, 3]), None));
        Assert.Empty(SpoolFiles());
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), $"took {sw.Elapsed}");
    }

    [Fact]
    public async Task A_missing_bucket_throws_on_read_and_write_instead_of_reading_as_missing()
    {
        using var store = new S3BlobStore(Options.Create(new BlobStoreOptions
        {
            Backend = BlobBackend.S3, Path = _spool,
            S3 = new S3BlobStoreOptions { ServiceUrl = S3TestServer.Url, Bucket = "gatehouse-no-such-bucket", AccessKey = S3TestServer.Key, SecretKey = S3TestServer.Key },
        }), Microsoft.Extensions.Logging.Abstractions.NullLogger<S3BlobStore>.Instance);
        var ex = await Assert.ThrowsAsync<AmazonS3Exception>(() => store.OpenReadAsync(DigestOf([1]), None));
        Assert.Equal("NoSuchBucket", ex.ErrorCode);
        await Assert.ThrowsAsync<AmazonS3Exception>(() => store.PutAsync(new MemoryStream([1]), None));
        Assert.Empty(SpoolFiles());
    }

    [Fact]
    public async Task A_presigned_url_is_sigv4_signs_the_response_headers_and_serves_the_bytes()
    {
        var content = RandomNumberGenerator.GetBytes(70_000);
        using var store = Store();
        var blob = await store.PutAsync(new MemoryStream(content), None);

        var url = await store.PresignGetAsync(blob.Digest, TimeSpan.FromMinutes(10), "application/zip", "attachment; filename=\"app 1.0.zip\"", None);

        Assert.Equal(new Uri(S3TestServer.Url).Authority, url.Authority);
        Assert.Equal("http", url.Scheme);
        var query = HttpUtility.ParseQueryString(url.Query);
        Assert.Equal("AWS4-HMAC-SHA256", query["X-Amz-Algorithm"]);
        Assert.InRange(long.Parse(query["X-Amz-Expires"]!, System.Globalization.CultureInfo.InvariantCulture), 598, 600); // whole seconds
        Assert.Matches("^[0-9a-f]{64}$", query["X-Amz-Signature"]);
        Assert.StartsWith(S3TestServer.Key + "/", query["X-Amz-Credential"], StringComparison.Ordinal);
        Assert.EndsWith("/us-east-1/s3/aws4_request", query["X-Amz-Credential"], StringComparison.Ordinal);
        Assert.Equal("host", query["X-Amz-SignedHeaders"]);
        // The overrides are query parameters, so SigV4's canonical query string (which the signature covers) holds them.
        Assert.Equal("attachment; filename=\"app 1.0.zip\"", query["response-content-disposition"]);
        Assert.Equal("application/zip", query["response-content-type"]);
        Assert.Null(query["Signature"]); // not SigV2

        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        response.EnsureSuccessStatusCode();
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment; filename=\"app 1.0.zip\"", response.Content.Headers.ContentDisposition?.ToString());
    }

    [Fact]
    public async Task A_presigned_url_may_live_seven_days_and_no_longer()
    {
        using var store = Store();
        var digest = DigestOf([42]);
        var url = await store.PresignGetAsync(digest, TimeSpan.FromDays(7), "application/octet-stream", "attachment", None);
        var query = HttpUtility.ParseQueryString(url.Query);
        Assert.Equal("AWS4-HMAC-SHA256", query["X-Amz-Algorithm"]);
        // Signed a minute short of the cap, so that rounding and the SDK's clock-skew correction (seen a second
        // off against s3rver) cannot push it over and into the SigV2 fallback (docs/storage.md).
        Assert.InRange(long.Parse(query["X-Amz-Expires"]!, System.Globalization.CultureInfo.InvariantCulture), 604_738, 604_740);

        // The SDK would silently fall back to SigV2 for these; the store refuses before asking it.
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            store.PresignGetAsync(digest, TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1), "application/octet-stream", "attachment", None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            store.PresignGetAsync(digest, TimeSpan.FromDays(30), "application/octet-stream", "attachment", None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            store.PresignGetAsync(digest, TimeSpan.Zero, "application/octet-stream", "attachment", None));
        Assert.Equal(TimeSpan.FromDays(7), store.MaxPresignLifetime);
    }

    [Fact]
    public void Stale_spool_files_from_a_crash_are_removed_and_fresh_ones_kept()
    {
        using var store = Store();
        var tmp = Path.Combine(_spool, "tmp");
        var stale = Path.Combine(tmp, "old.part");
        var fresh = Path.Combine(tmp, "new.part");
        File.WriteAllText(stale, "x");
        File.WriteAllText(fresh, "y");
        var now = File.GetLastWriteTimeUtc(fresh);
        File.SetLastWriteTimeUtc(stale, now.AddHours(-2));
        Assert.Equal(1, store.CleanStaleTemporaryFiles(TimeSpan.FromHours(1), new DateTimeOffset(now, TimeSpan.Zero)));
        Assert.Equal([fresh], SpoolFiles());
    }
}
