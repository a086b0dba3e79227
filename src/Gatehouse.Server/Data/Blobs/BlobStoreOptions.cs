using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Data.Blobs;

/// <summary>Settings of section <c>Blobs</c>.</summary>
internal sealed class BlobStoreOptions
{
    public const string Section = "Blobs";

    /// <summary>Where blobs live: <c>filesystem</c> (default) or <c>s3</c> (docs/storage.md).</summary>
    public BlobBackend Backend { get; set; } = BlobBackend.FileSystem;

    /// <summary>
    /// Root folder; default <c>{DataDirectory}/blobs</c>. With the <c>s3</c> backend only its <c>tmp</c>
    /// folder is used, to spool uploads before they are sent.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Largest blob accepted, in bytes (default 2 GiB).</summary>
    [Range(typeof(long), "1", OptionLimits.MaxLong, ErrorMessage = "Blobs:MaxBytes must be positive")]
    public long MaxBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// Most bytes one organisation may keep in the store (default 20 GiB; 0: no quota): the distinct blobs it uploaded
    /// that are still stored, referenced or within <see cref="RetentionGracePeriod"/>. Uploads past it are refused with
    /// <c>blob.quota-exceeded</c> (413).
    /// </summary>
    [Range(typeof(long), "0", OptionLimits.MaxLong, ErrorMessage = "Blobs:OrgQuotaBytes must be 0 (no quota) or positive")]
    public long OrgQuotaBytes { get; set; } = 20L * 1024 * 1024 * 1024;

    /// <summary>
    /// How long an uploaded blob that no version, evidence item or scan references is kept before the retention job
    /// deletes it (default 1 day): long enough for an upload to be taken up by its version.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", OptionLimits.MaxTimeSpan, ErrorMessage = "Blobs:RetentionGracePeriod must be at least 1 minute")]
    public TimeSpan RetentionGracePeriod { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Settings of <c>Blobs:S3</c>, used when <see cref="Backend"/> is <c>s3</c>.</summary>
    public S3BlobStoreOptions S3 { get; set; } = new();
}
