namespace Gatehouse.Server.Evidence;

/// <summary>Settings of section <c>Evidence</c>: the evidence vault.</summary>
public sealed class EvidenceOptions
{
    public const string Section = "Evidence";

    /// <summary>Largest evidence upload, in bytes (default 50 MiB; the blob store's own limit also applies).</summary>
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;
}
