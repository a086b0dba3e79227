using System.Net;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.S3;
using Amazon.S3.Model;
using Gatehouse.Server.Data.Scratch;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Data.Blobs;

/// <summary>
/// Blobs as objects of an S3-compatible store, keyed by content: <c>{prefix}sha256/ab/cd/&lt;64 hex&gt;</c>.
/// An upload is spooled to <c>{Blobs:Path}/tmp</c> while it is hashed and counted, and sent with a known
/// length only once complete, so an object under a digest always holds exactly the bytes of that digest
/// (S3 makes an object visible only when its PUT completes). Missing objects read as null; any other
/// failure (unreachable endpoint, credentials, missing bucket) throws: "storage down" is never "not found".
/// </summary>
internal sealed class S3BlobStore : IBlobStore, IPresigningBlobStore, IDisposable
{
    /// <summary>SigV4 query signing allows at most 7 days (604800 s).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    private const int BufferSize = 128 * 1024;
    private static readonly TimeSpan SigningMargin = TimeSpan.FromMinutes(1);
    private readonly AmazonS3Client _s3;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly string _tmp;
    private readonly long _maxBytes;
    private readonly bool _http;
    private readonly ILogger<S3BlobStore> _logger;
    private readonly UploadSpool _spool;

    public S3BlobStore(IOptions<BlobStoreOptions> options, ILogger<S3BlobStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        var s3 = o.S3;
        var serviceUrl = string.IsNullOrWhiteSpace(s3.ServiceUrl) ? throw new InvalidOperationException("Blobs:S3:ServiceUrl is not set") : s3.ServiceUrl;
        _bucket = string.IsNullOrWhiteSpace(s3.Bucket) ? throw new InvalidOperationException("Blobs:S3:Bucket is not set") : s3.Bucket;
        _prefix = NormalizePrefix(s3.Prefix);
        _maxBytes = o.MaxBytes;
        _logger = logger;
        _http = serviceUrl.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
        _tmp = System.IO.Path.Combine(System.IO.Path.GetFullPath(o.Path ?? throw new InvalidOperationException("Blobs:Path is not set")), "tmp");
        _spool = new UploadSpool(_tmp);

        var config = new AmazonS3Config
        {
            ServiceURL = serviceUrl,
            ForcePathStyle = s3.ForcePathStyle,
            UseHttp = _http,
            AuthenticationRegion = string.IsNullOrWhiteSpace(s3.Region) ? "us-east-1" : s3.Region,
            // The SDK's default sends aws-chunked bodies with trailing checksums, which some S3-compatible
            // servers store literally (docs/storage.md); we send plain bodies of known length instead.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        _s3 = string.IsNullOrEmpty(s3.AccessKey)
            ? new AmazonS3Client(config) // the SDK's default credentials: environment, profile, instance role
            : new AmazonS3Client(new BasicAWSCredentials(s3.AccessKey, s3.SecretKey), config);
    }

    public string Bucket => _bucket;

    /// <summary>The key prefix in use, empty or ending in <c>/</c>.</summary>
    public string Prefix => _prefix;

    public TimeSpan MaxPresignLifetime => MaxLifetime;

    public async Task<BlobRef> PutAsync(Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var tempPath = _spool.NewPartPath();
        try
        {
            long length = 0;
            byte[] sha256;
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                await using var file = new FileStream(tempPath, PrivateFolders.CreateNew(FileAccess.Write, FileOptions.Asynchronous, bufferSize: 0));
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    length += read;
                    if (length > _maxBytes) throw new BlobTooLargeException(_maxBytes);
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                sha256 = hash.GetHashAndReset();
            }

            var digest = BlobDigest.Prefix + Convert.ToHexStringLower(sha256);
            var key = KeyFor(digest);
            // Same content already stored. A length that differs means a damaged object: write it again.
            if (await HeadLengthAsync(key, ct) == length) return new BlobRef(digest, length);

            await using (var upload = new FileStream(tempPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan))
            {
                var request = new PutObjectRequest
                {
                    BucketName = _bucket,
                    Key = key,
                    InputStream = upload,
                    AutoCloseStream = false,
                    UseChunkEncoding = false,
                    ContentType = "application/octet-stream",
                    // S3 checks the body against this and refuses a PUT damaged on the way.
                    ChecksumSHA256 = Convert.ToBase64String(sha256),
                };
                request.Headers.ContentLength = length;
                await _s3.PutObjectAsync(request, ct);
            }
            return new BlobRef(digest, length);
        }
        finally
        {
            TryDelete(tempPath);
        }
    }

    public async Task<Stream?> OpenReadAsync(string digest, CancellationToken ct)
    {
        if (!BlobDigest.IsValid(digest)) return null;
        return await GetAsync(new GetObjectRequest { BucketName = _bucket, Key = KeyFor(digest) }, ct);
    }

    public async Task<Stream?> OpenRangeAsync(string digest, long offset, long length, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (!BlobDigest.IsValid(digest)) return null;
        // An empty range cannot be expressed as an HTTP byte range (last >= first).
        if (length == 0) return await ExistsAsync(digest, ct) ? new MemoryStream([], writable: false) : null;
        return await GetAsync(new GetObjectRequest
        {
            BucketName = _bucket,
            Key = KeyFor(digest),
            ByteRange = new ByteRange(offset, offset + length - 1), // RFC 9110 §14.1.2: inclusive
        }, ct);
    }

    public async Task<long?> GetLengthAsync(string digest, CancellationToken ct) =>
        BlobDigest.IsValid(digest) ? await HeadLengthAsync(KeyFor(digest), ct) : null;

    public async Task<bool> ExistsAsync(string digest, CancellationToken ct) => await GetLengthAsync(digest, ct) is not null;

    public async Task<bool> DeleteAsync(string digest, CancellationToken ct)
    {
        if (!BlobDigest.IsValid(digest)) return false;
        var key = KeyFor(digest);
        // S3 answers a DELETE of a missing key with 204 as well; the HEAD tells whether there was a blob.
        if (await HeadLengthAsync(key, ct) is null) return false;
        await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, ct);
        return true;
    }

    /// <summary>
    /// A SigV4 presigned GET URL. Lifetimes over <see cref="MaxLifetime"/> are refused here, because the SDK
    /// would silently fall back to the legacy SigV2 scheme for them. Works offline (no request is made), so
    /// it does not check that the blob exists.
    /// </summary>
    public async Task<Uri> PresignGetAsync(string digest, TimeSpan lifetime, string contentType, string contentDisposition, CancellationToken ct)
    {
        if (!BlobDigest.IsValid(digest)) throw new ArgumentException("not a sha256 blob digest", nameof(digest));
        ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lifetime, MaxLifetime);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentDisposition);
        var request = new GetPreSignedUrlRequest
        {
            BucketName = _bucket,
            Key = KeyFor(digest),
            Verb = HttpVerb.GET,
            Protocol = _http ? Protocol.HTTP : Protocol.HTTPS,
        };
        // The SDK turns Expires into X-Amz-Expires by subtracting its own clock, corrected by the skew it saw at
        // this endpoint, so the absolute time must come from that same clock (an injected, possibly fake,
        // TimeProvider would skew the lifetime). The result is rounded to whole seconds, so a lifetime right at
        // the cap could still come out a second over it and fall back to SigV2: within SigningMargin of the cap,
        // the URL is signed for SigningMargin less.
        var endpoint = _s3.Config.DetermineServiceOperationEndpoint(new ServiceOperationEndpointParameters(request));
        request.Expires = CorrectClockSkew.GetCorrectedUtcNowForEndpoint(endpoint.URL)
            + (lifetime > MaxLifetime - SigningMargin ? MaxLifetime - SigningMargin : lifetime);
        request.ResponseHeaderOverrides.ContentType = contentType;
        request.ResponseHeaderOverrides.ContentDisposition = contentDisposition;
        var url = await _s3.GetPreSignedURLAsync(request);
        ct.ThrowIfCancellationRequested();
        // Belt and braces: never hand out anything but a SigV4 URL.
        if (!url.Contains("X-Amz-Algorithm=AWS4-HMAC-SHA256", StringComparison.Ordinal))
            throw new InvalidOperationException("the AWS SDK did not produce a SigV4 presigned URL");
        return new Uri(url);
    }

    /// <summary>
    /// Removes spooled uploads left by a crash: at once those of a dead writer, those whose writer cannot be known once
    /// older than <paramref name="olderThan"/>; never those of a live writer (<see cref="UploadSpool.Sweep"/>).
    /// </summary>
    public int CleanStaleTemporaryFiles(TimeSpan olderThan, DateTimeOffset now)
    {
        var removed = _spool.Sweep(olderThan, now);
        if (removed > 0) _logger.LogInformation("Removed {Count} interrupted blob uploads from {Dir}", removed, _tmp);
        return removed;
    }

    /// <summary>The object key of a validated digest: built from hex digits alone.</summary>
    internal string KeyFor(string digest)
    {
        var hex = digest[BlobDigest.Prefix.Length..];
        return $"{_prefix}sha256/{hex[..2]}/{hex[2..4]}/{hex}";
    }

    internal static string NormalizePrefix(string? prefix) =>
        string.IsNullOrEmpty(prefix) ? "" : prefix.EndsWith('/') ? prefix : prefix + "/";

    private async Task<long?> HeadLengthAsync(string key, CancellationToken ct)
    {
        try
        {
            var head = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = key }, ct);
            return head.ContentLength;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // A HEAD answer has no body, so a missing bucket looks the same; the readiness check's write finds that.
            return null;
        }
    }

    private async Task<Stream?> GetAsync(GetObjectRequest request, CancellationToken ct)
    {
        GetObjectResponse response;
        try
        {
            response = await _s3.GetObjectAsync(request, ct);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
        return new S3ObjectStream(response);
    }

    private static bool TryDelete(string path)
    {
        try { File.Delete(path); return true; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    public void Dispose()
    {
        _s3.Dispose();
        _spool.Dispose();
    }

    /// <summary>An object's body that also releases its response (and so the connection) when disposed.</summary>
    private sealed class S3ObjectStream(GetObjectResponse response) : Gatehouse.Analysis.Pipeline.ReadOnlyStream
    {
        private readonly Stream _inner = response.ResponseStream;
        private readonly long _length = response.ContentLength;
        private long _position;

        public override bool CanSeek => false;
        public override long Length => _length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override int Read(Span<byte> buffer)
        {
            var n = _inner.Read(buffer);
            _position += n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await _inner.ReadAsync(buffer, cancellationToken);
            _position += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
