namespace Gatehouse.Server.Data.Blobs;

/// <summary>Settings of section <c>Blobs:S3</c> (docs/storage.md), used when <c>Blobs:Backend</c> is <c>s3</c>.</summary>
internal sealed class S3BlobStoreOptions
{
    /// <summary>
    /// The S3 endpoint, <c>https://HOST[:PORT]</c> (or <c>http://</c> for a local test server). Required.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The bucket; it must exist and must not be public. Required.</summary>
    public string? Bucket { get; set; }

    /// <summary>The signing region (default <c>us-east-1</c>).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Access key id; empty: the AWS SDK's default credentials (environment, profile, instance role).</summary>
    public string? AccessKey { get; set; }

    /// <summary>Secret access key; set with <see cref="AccessKey"/> or not at all.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Path-style URLs (<c>HOST/BUCKET/KEY</c>, default true) instead of <c>BUCKET.HOST/KEY</c>.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>
    /// Put in front of every object key (default empty); a <c>/</c> is added when it does not end in one.
    /// Objects are <c>{Prefix}sha256/ab/cd/&lt;64 hex&gt;</c>.
    /// </summary>
    public string Prefix { get; set; } = "";
}
