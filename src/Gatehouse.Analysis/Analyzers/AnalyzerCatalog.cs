using Gatehouse.Analysis.Analyzers.Dependencies;
using Gatehouse.Analysis.Analyzers.FileType;
using Gatehouse.Analysis.Analyzers.Malware;
using Gatehouse.Analysis.Analyzers.Malware.ClamAv;
using Gatehouse.Analysis.Analyzers.Malware.Yara;
using Gatehouse.Analysis.Analyzers.Secrets;
using Gatehouse.Analysis.Artifacts;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Probes;
using Gatehouse.Analysis.Vulnerabilities.Matching;

namespace Gatehouse.Analysis.Analyzers;

/// <summary>
/// THE list of analyzers, in order (like grype's matcher list): the server's scan jobs and
/// <c>gatehouse check</c> both build their pipeline here, so they judge with the same engines.
/// </summary>
public static class AnalyzerCatalog
{
    /// <summary>Rules the pipeline itself reports.</summary>
    public static readonly IReadOnlyList<RuleDescriptor> EngineRules = [EngineUnavailableException.Rule];

    /// <summary>Every analyzer the settings allow, in the order the pipeline runs them.</summary>
    /// <param name="engines">The shared, self-tested engines of this process (<see cref="EngineHandles"/>).</param>
    public static IReadOnlyList<IAnalyzer> Create(EngineHandles engines, EngineSettings settings, Policy policy, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(time);
        List<IAnalyzer> analyzers =
        [
            // 1. What the file is (later analyzers read ScanFile.DetectedType).
            engines.FileType,
            // 2. Known-bad hashes, then secrets, then YARA and ClamAV on every file, nested members included
            //    (ClamAV misses ZIP64, oversize and overlapping members, so our walker extracts them for it).
            new BlocklistAnalyzer(),
            // What the artifact is built from: lockfiles, manifests and OS package databases, into the scan's inventory.
            new DependenciesAnalyzer(),
            engines.Secrets,
            engines.Yara,
        ];
        if (!string.IsNullOrWhiteSpace(settings.ClamdEndpoint))
            analyzers.Add(engines.ClamAvFor(settings.ClamdEndpoint, settings.ClamdConnections));
        // Once the walk is over: the scan's packages against the advisory store (issue 16), when there is one.
        if (settings.Advisories is not null)
            analyzers.Add(new VulnerabilityAnalyzer(settings.Advisories));
        analyzers.Add(new Images.Checks.ImageChecksAnalyzer(time));
        // Helm charts (issue 18): read, render with the real Helm, rules and schema over the rendered objects; fails closed.
        analyzers.Add(new Charts.ChartAnalyzer(settings));
        return analyzers;
    }

    /// <summary>
    /// 3. The expander: the archive walker (every member of every archive, bounded by the policy's limits), wrapped by the
    /// image expander, which reads a container artifact as an image and walks each of its layers (issue 17).
    /// </summary>
    public static IArtifactExpander CreateExpander(EngineSettings settings, Policy policy, TimeProvider time) =>
        CreateExpander(settings, policy, time, profile: null);

    /// <summary>The expander, timing the walker's extraction into <paramref name="profile"/> when set.</summary>
    public static IArtifactExpander CreateExpander(EngineSettings settings, Policy policy, TimeProvider time, ScanProfile? profile)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var walker = new ArchiveWalker(policy, settings.TempDirectory ?? Path.GetTempPath(), time)
        {
            InMemoryMemberBytes = settings.InMemoryMemberBytes,
            Profile = profile,
        };
        return new Images.ImageExpander(walker, policy);
    }

    /// <summary>
    /// A pipeline with every analyzer the settings allow and the archive walker; both write their temporary files
    /// into <see cref="EngineSettings.TempDirectory"/>.
    /// </summary>
    public static ScanPipeline CreatePipeline(EngineHandles engines, EngineSettings settings, Policy policy, TimeProvider time) =>
        CreatePipeline(engines, settings, policy, time, profile: null);

    /// <summary>As above, collecting CPU and wall time per stage into <paramref name="profile"/> when set (<c>gatehouse check --profile</c>).</summary>
    public static ScanPipeline CreatePipeline(EngineHandles engines, EngineSettings settings, Policy policy, TimeProvider time, ScanProfile? profile)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new ScanPipeline(Create(engines, settings, policy, time), CreateExpander(settings, policy, time, profile), policy, time)
        {
            TempDirectory = settings.TempDirectory,
            Profile = profile,
            // Enough members in flight to keep every clamd connection busy.
            MaxMembersInFlight = Math.Max(ScanPipeline.DefaultMaxMembersInFlight, settings.ClamdConnections),
        };
    }

    /// <summary>
    /// Every rule any analyzer, the walker, the pipeline or the endpoint probe can report, for
    /// <c>gatehouse rules</c> and SARIF. Read from the analyzers' static rule lists: nothing is built.
    /// </summary>
    public static IReadOnlyList<RuleDescriptor> AllRules() =>
        new[]
        {
            FileTypeAnalyzer.AllRules,
            BlocklistAnalyzer.AllRules,
            DependenciesAnalyzer.AllRules,
            SecretsAnalyzer.AllRules,
            YaraAnalyzer.AllRules,
            ClamAvAnalyzer.AllRules,
            ArchiveWalker.AllRules,
            Images.ImageExpander.AllRules,
            EngineRules,
            ProbeRules.All,
            VulnerabilityAnalyzer.AllRules,
            Vulnerabilities.Sbom.UndeclaredPackages.AllRules,
            Images.Smoke.SmokeVerdicts.AllRules,
            Images.Checks.ImageChecksAnalyzer.AllRules,
            Charts.ChartRules.All,
            Charts.Rules.ManifestRules.All,
            Charts.Schema.ManifestSchema.AllRules,
            Charts.ChartImageApproval.AllRules,
        }
        .SelectMany(rules => rules).DistinctBy(r => r.Id).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
}
