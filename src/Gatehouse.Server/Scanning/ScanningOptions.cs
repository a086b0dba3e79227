using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Scanning;

/// <summary>Settings of section <c>Scanning</c>: where the engines are.</summary>
public sealed class ScanningOptions
{
    public const string Section = "Scanning";

    /// <summary>clamd endpoint, <c>tcp://127.0.0.1:3310</c> or <c>unix:/run/clamav/clamd.ctl</c>. Empty: not configured (scans are incomplete while the policy requires ClamAV).</summary>
    [CustomValidation(typeof(ScanningOptions), nameof(ValidateClamdEndpoint))]
    public string? ClamdEndpoint { get; set; }

    /// <summary>Policy file (JSON) for scans; empty: the built-in default policy.</summary>
    [CustomValidation(typeof(ScanningOptions), nameof(ValidatePolicyFile))]
    public string? PolicyFile { get; set; }

    /// <summary>Largest upload accepted for a scan, in bytes (default 2 GiB; the blob store's own limit also applies).</summary>
    [Range(typeof(long), "1", OptionLimits.MaxLong, ErrorMessage = "Scanning:MaxUploadBytes must be positive")]
    public long MaxUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>The rule on <see cref="ClamdEndpoint"/>: unset, or an endpoint clamd can be reached at.</summary>
    public static ValidationResult? ValidateClamdEndpoint(string? endpoint) =>
        string.IsNullOrWhiteSpace(endpoint) || Analysis.Analyzers.Malware.ClamAv.ClamdEndpoint.TryParse(endpoint, out _, out _)
            ? ValidationResult.Success
            : new ValidationResult("Scanning:ClamdEndpoint must be tcp://HOST:PORT or unix:/PATH");

    /// <summary>The rule on <see cref="PolicyFile"/>: unset, or a readable, valid policy file.</summary>
    public static ValidationResult? ValidatePolicyFile(string? path)
    {
        if (string.IsNullOrWhiteSpace(path)) return ValidationResult.Success;
        try
        {
            Analysis.Pipeline.PolicyFile.Load(path);
            return ValidationResult.Success;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or IOException or UnauthorizedAccessException)
        {
            return new ValidationResult("Scanning:PolicyFile must name a readable, valid policy file (docs/engine.md)");
        }
    }
}
