namespace Gatehouse.Analysis.Images.Smoke;

/// <summary>
/// Runs an image for a smoke test (issue 17): unpacks the OCI layout with <c>umoci</c> into a private bundle, rewrites the
/// runtime config (read-only root filesystem, a network namespace of its own with loopback only, memory/CPU/pid limits, no
/// new privileges, no terminal) and starts it with <c>runc</c> as root; then runs the <see cref="SmokeSpec"/>'s check and
/// always kills and deletes the container and the bundle. No runc or umoci, not root, or a container that could not start
/// is <see cref="SmokeResult.Incomplete"/>, never passed.
/// </summary>
public sealed partial class ImageSmokeTest
{
    /// <summary>Path of runc (default: found on PATH).</summary>
    public string? RuncPath { get; init; }

    /// <summary>Path of umoci (default: found on PATH).</summary>
    public string? UmociPath { get; init; }

    /// <summary>Private scratch folder the bundle is created under (mode 0700).</summary>
    public required string ScratchDirectory { get; init; }

    /// <summary>Whether runc and umoci are found and this process is root (false: every run is incomplete, with the reason).</summary>
    public bool IsAvailable(out string reason) => IsAvailableCore(out reason);

    /// <summary>Runs the smoke test of the image archive at <paramref name="imagePath"/> (OCI layout folder or tar, or docker-archive: converted first).</summary>
    public Task<SmokeResult> RunAsync(string imagePath, SmokeSpec spec, SmokeLimits limits, CancellationToken ct) => RunCoreAsync(imagePath, spec, limits, ct);

    private partial bool IsAvailableCore(out string reason);
    private partial Task<SmokeResult> RunCoreAsync(string imagePath, SmokeSpec spec, SmokeLimits limits, CancellationToken ct);
}
