using Gatehouse.Server.Scanning;
using Gatehouse.Server.Scanning.Probes;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Which versions are probed (docs/probe.md), how often, and how their probe scan is asked for. The probe itself is a
/// scan kind of its own (<see cref="ScanKind.Probe"/>, <see cref="ProbeReports"/>).
/// </summary>
internal static class VersionProbes
{
    /// <summary>How often published web integrations are probed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    /// <summary>Web integrations with a reference (their https base URL) are probed.</summary>
    public static bool Applies(App app, AppVersion v)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(v);
        return app.Type == AppTypes.WebIntegration && !string.IsNullOrEmpty(v.Reference);
    }

    /// <summary>The scan request for probing <paramref name="v"/>'s reference.</summary>
    public static ScanRequest Request(App app, AppVersion v, string purpose)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(v);
        var reference = v.Reference ?? throw new InvalidOperationException($"version {v.Id} has no reference to probe");
        return new ScanRequest(app.OrganizationId, v.SubmittedBy ?? "system", ProbeReports.NoBlob, 0, reference.Length <= 255 ? reference : reference[..255],
            ProbeReports.ArtifactType, purpose, v.Id, v.PolicyVersion, reference);
    }
}
