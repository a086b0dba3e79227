namespace Gatehouse.Server.Scanning;

/// <summary>Settings of section <c>Scanning</c>: where the engines are.</summary>
public sealed class ScanningOptions
{
    public const string Section = "Scanning";

    /// <summary>clamd endpoint, <c>tcp://127.0.0.1:3310</c> or <c>unix:/run/clamav/clamd.ctl</c>. Empty: not configured (scans are incomplete while the policy requires ClamAV).</summary>
    public string? ClamdEndpoint { get; set; }

    /// <summary>Policy file (JSON) for scans; empty: the built-in default policy.</summary>
    public string? PolicyFile { get; set; }

    /// <summary>Largest upload accepted for a scan, in bytes (default 2 GiB; the blob store's own limit also applies).</summary>
    public long MaxUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;
}
