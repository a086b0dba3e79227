namespace Gatehouse.Analysis.Pipeline;

/// <summary>What analyzers see besides the file: the policy, the artifact type, and where findings go.</summary>
public sealed class AnalysisContext
{
    private readonly Action<Finding> _report;

    public AnalysisContext(Policy policy, string artifactType, Action<Finding> report)
        : this(policy, artifactType, report, null)
    {
    }

    /// <param name="tempDirectory">The scan's private folder for files an analyzer must spill to disk (see
    /// <see cref="TempDirectory"/>).</param>
    public AnalysisContext(Policy policy, string artifactType, Action<Finding> report, string? tempDirectory)
    {
        Policy = policy;
        ArtifactType = artifactType;
        _report = report;
        TempDirectory = tempDirectory;
    }

    public Policy Policy { get; }

    /// <summary><c>downloadable</c>, <c>web</c>, <c>container</c> or <c>chart</c>.</summary>
    public string ArtifactType { get; }

    /// <summary>
    /// The scan's private folder (mode 0700, removed by whoever runs the scan) for files an analyzer must write, e.g.
    /// YARA's spill file for a large non-file stream; null: the system temp folder. Such files are created 0600.
    /// </summary>
    public string? TempDirectory { get; }

    /// <summary>
    /// The scan's package inventory (issue 16): the <c>dependencies</c> analyzer adds what its catalogers find, artifact
    /// analyzers read it once the walk is over. Null outside a pipeline scan (e.g. a unit test's own context).
    /// </summary>
    public Vulnerabilities.Packages.PackageInventory? Packages { get; init; }

    /// <summary>
    /// The artifact's own file name (e.g. <c>package-lock.json</c>). Analyzers see the artifact under a neutral path so that
    /// fingerprints survive a rename; those that must know what a file is by its name (the <c>dependencies</c> analyzer, on
    /// an artifact that is itself a lockfile) read it here. Never put it into a fingerprint.
    /// </summary>
    public string? ArtifactName { get; init; }

    /// <summary>
    /// What the image expander learnt about a container image (issue 17), shared by every analyzer of one scan; null outside a
    /// pipeline scan. <see cref="Images.ImageFacts.Image"/> is null when the artifact is not an image.
    /// </summary>
    public Images.ImageFacts? Image { get; init; }

    /// <summary>What the chart analyzer learnt about a Helm chart (issue 18), one per scan; null outside a pipeline scan.</summary>
    public Charts.ChartFacts? Chart { get; init; }

    /// <summary>
    /// The artifact as the pipeline was given it on disk (a file, or an OCI image layout folder); null outside a pipeline
    /// scan. Only the expander reads it (an image is opened by path); analyzers read the <see cref="ScanFile"/>.
    /// </summary>
    public string? ArtifactPath { get; init; }

    /// <summary>Records a finding; the pipeline applies severity overrides from the policy.</summary>
    public void Report(Finding finding) => _report(finding);
}
