using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Images;

/// <summary>Settings of section <c>Images</c>: registry pulls and smoke tests of container images (docs/engine.md#container-images-on-the-server).</summary>
public sealed class ImagesOptions
{
    public const string Section = "Images";

    /// <summary>
    /// Registries (host or host:port) reached over plain http and allowed on a private or loopback address, e.g.
    /// <c>127.0.0.1:5000</c> for a test registry. Every other registry is https only and must resolve to public addresses.
    /// </summary>
    public string[] InsecureRegistries { get; set; } = [];

    /// <summary>Whole pull budget of one image (default 10 minutes); a pull that runs out is incomplete and retried.</summary>
    [Range(1, 86_400, ErrorMessage = "Images:PullTimeoutSeconds must be 1-86400")]
    public int PullTimeoutSeconds { get; set; } = 600;

    /// <summary>
    /// Whether image scans run the vendor's smoke test (default on). On, the smoke test is part of the scan: one that
    /// could not run (no runc or umoci, not root, did not start) makes the scan incomplete, never a pass
    /// (<see cref="Gatehouse.Analysis.Images.Smoke.SmokeVerdicts"/>). Off, no image is run and reports have no smoke result.
    /// </summary>
    public bool SmokeTests { get; set; } = true;

    /// <summary>Path of runc (empty: found on PATH).</summary>
    public string? Runc { get; set; }

    /// <summary>Path of umoci (empty: found on PATH).</summary>
    public string? Umoci { get; set; }

    /// <summary>Whole smoke run, unpack included (default 120 s).</summary>
    [Range(5, 3600, ErrorMessage = "Images:SmokeTimeoutSeconds must be 5-3600")]
    public int SmokeTimeoutSeconds { get; set; } = 120;

    /// <summary>How long the default command must keep running before the check (default 5 s).</summary>
    [Range(1, 600, ErrorMessage = "Images:SmokeSettleSeconds must be 1-600")]
    public int SmokeSettleSeconds { get; set; } = 5;

    /// <summary>Memory limit of the container, MiB (default 512).</summary>
    [Range(16, 65_536, ErrorMessage = "Images:SmokeMemoryMiB must be 16-65536")]
    public int SmokeMemoryMiB { get; set; } = 512;

    /// <summary>Process limit of the container (default 256).</summary>
    [Range(8, 65_536, ErrorMessage = "Images:SmokePids must be 8-65536")]
    public int SmokePids { get; set; } = 256;

    /// <summary>The limits of a smoke run from these settings.</summary>
    public Gatehouse.Analysis.Images.Smoke.SmokeLimits Limits() => new()
    {
        Timeout = TimeSpan.FromSeconds(SmokeTimeoutSeconds), SettleTime = TimeSpan.FromSeconds(SmokeSettleSeconds),
        MemoryBytes = (long)SmokeMemoryMiB << 20, Pids = SmokePids,
    };
}
