using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Evidence;

/// <summary>Settings of section <c>Evidence</c>: the evidence vault.</summary>
public sealed class EvidenceOptions
{
    public const string Section = "Evidence";

    /// <summary>Largest evidence upload, in bytes (default 50 MiB; the blob store's own limit also applies).</summary>
    [Range(typeof(long), "1", OptionLimits.MaxLong, ErrorMessage = "Evidence:MaxUploadBytes must be positive")]
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;
}
