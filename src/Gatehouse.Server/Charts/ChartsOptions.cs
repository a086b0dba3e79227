namespace Gatehouse.Server.Charts;

/// <summary>Settings of section <c>Charts</c>: how the server renders Helm charts (issue 18, docs/helm-repository.md).</summary>
public sealed class ChartsOptions
{
    public const string Section = "Charts";

    /// <summary>The environment variable read when <see cref="HelmPath"/> is not set (the same one <c>gatehouse check</c> reads).</summary>
    public const string HelmEnvironmentVariable = "GATEHOUSE_HELM";

    /// <summary>
    /// Absolute path of the Helm binary that renders charts; empty: <c>GATEHOUSE_HELM</c>, else <c>helm</c> on the PATH. A
    /// server without Helm scans charts as incomplete (never passed).
    /// </summary>
    public string? HelmPath { get; set; }

    /// <summary>The Helm the engine is given: <see cref="HelmPath"/>, else <paramref name="environment"/>, else null (the PATH).</summary>
    public string? EffectiveHelmPath(string? environment) =>
        !string.IsNullOrWhiteSpace(HelmPath) ? HelmPath : string.IsNullOrWhiteSpace(environment) ? null : environment;
}
