using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gatehouse.Analysis.Probes;

namespace Gatehouse.Server.Scanning.Probes;

/// <summary>
/// Settings of section <c>Gatehouse:Probe</c>: what the server's endpoint probe may reach and trust
/// (docs/probe.md, "In the server"). Defaults are what production needs: public addresses only, the
/// system's trust roots, 10 s per request.
/// </summary>
public sealed class ProbeSettings
{
    public const string Section = "Gatehouse:Probe";

    /// <summary>
    /// Addresses or CIDR networks (<c>127.0.0.1</c>, <c>10.1.0.0/16</c>) the probe may connect to although they are
    /// not public. Empty (default): only public addresses. Entries may also be comma-separated.
    /// </summary>
    [CustomValidation(typeof(ProbeSettings), nameof(ValidateAllowedAddresses))]
    public List<string> AllowedAddresses { get; set; } = [];

    /// <summary>PEM bundle of CA certificates to trust instead of the system store (private PKIs, tests). Empty: the system store.</summary>
    [CustomValidation(typeof(ProbeSettings), nameof(ValidateTrustedRootsFile))]
    public string? TrustedRootsFile { get; set; }

    /// <summary>Time limit for each lookup, connection, handshake and request (default 10 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", MinimumIsExclusive = true, ErrorMessage = "Gatehouse:Probe:RequestTimeout must be positive and at most 5 minutes")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time limit for one whole probe (default 5 min); a probe that takes longer is <c>incomplete</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", MinimumIsExclusive = true, ErrorMessage = ProbeSettingsValidator.MaxDurationRule)]
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The allow-list entries, comma-separated ones split.</summary>
    public IReadOnlyList<string> AllowedEntries() =>
        AllowedAddresses.SelectMany(a => (a ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    /// <summary>True when every allow-list entry is an address or a network.</summary>
    public bool AllowListParses() => AllowedEntries().All(e => PublicAddresses.TryParseNetwork(e, out _));

    /// <summary>True when <see cref="TrustedRootsFile"/> is unset, or names a readable PEM file with at least one certificate.</summary>
    public bool TrustedRootsLoad()
    {
        if (string.IsNullOrWhiteSpace(TrustedRootsFile)) return true;
        try { return LoadRoots() is { Count: > 0 }; }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>The rule on <see cref="AllowedAddresses"/>: every entry an address or a network.</summary>
    public static ValidationResult? ValidateAllowedAddresses(List<string>? addresses) =>
        new ProbeSettings { AllowedAddresses = addresses ?? [] }.AllowListParses()
            ? ValidationResult.Success
            : new ValidationResult("Gatehouse:Probe:AllowedAddresses must list IP addresses or CIDR networks");

    /// <summary>The rule on <see cref="TrustedRootsFile"/>: unset, or a readable PEM file with at least one certificate.</summary>
    public static ValidationResult? ValidateTrustedRootsFile(string? path) =>
        new ProbeSettings { TrustedRootsFile = path }.TrustedRootsLoad()
            ? ValidationResult.Success
            : new ValidationResult("Gatehouse:Probe:TrustedRootsFile must name a readable PEM file with at least one certificate");

    /// <summary>The engine's options for one probe run; the roots file is read each time (so a rotated bundle needs no restart).</summary>
    public ProbeOptions ToProbeOptions(TimeProvider time) => new()
    {
        AllowedAddresses = AllowedEntries(),
        TrustedRoots = LoadRoots(),
        RequestTimeout = RequestTimeout,
        TimeProvider = time,
    };

    private X509Certificate2Collection? LoadRoots()
    {
        if (string.IsNullOrWhiteSpace(TrustedRootsFile)) return null;
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(TrustedRootsFile);
        return roots;
    }
}
