using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Analyzers;

/// <summary>Where the engines are; the same settings drive the server's jobs and <c>gatehouse check</c>.</summary>
public sealed record EngineSettings
{
    /// <summary>clamd endpoint (<c>tcp://host:port</c> or <c>unix:/path</c>); null when none is configured.</summary>
    public string? ClamdEndpoint { get; init; }

    /// <summary>Folder for extracted members (default: the system temp folder).</summary>
    public string? TempDirectory { get; init; }
}

/// <summary>
/// THE list of analyzers (one registration file, like trivy's analyzer list): order matters, the
/// file-type analyzer runs first so later analyzers see <see cref="ScanFile.DetectedType"/>.
/// </summary>
public static partial class AnalyzerSet
{
    /// <summary>Builds a pipeline with every analyzer the settings allow.</summary>
    public static ScanPipeline CreatePipeline(EngineSettings settings, Policy policy, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var file = new List<IFileAnalyzer>();
        var artifact = new List<IArtifactAnalyzer>();
        IAnalyzer? walker = null;
        ArchiveWalk? walk = null;
        Register(settings, policy, time, file, artifact, ref walker, ref walk);
        return new ScanPipeline(file, artifact, walker, walk, policy, time);
    }

    /// <summary>Every rule any analyzer can report, for <c>gatehouse rules</c> and SARIF.</summary>
    public static IReadOnlyList<RuleDescriptor> AllRules()
    {
        var file = new List<IFileAnalyzer>();
        var artifact = new List<IArtifactAnalyzer>();
        IAnalyzer? walker = null;
        ArchiveWalk? walk = null;
        Register(new EngineSettings { ClamdEndpoint = "tcp://127.0.0.1:3310" }, Policy.Default, TimeProvider.System, file, artifact, ref walker, ref walk);
        var all = new List<IAnalyzer>(file);
        all.AddRange(artifact);
        if (walker is not null) all.Add(walker);
        return all.SelectMany(a => a.Rules).Concat(EngineRules).Concat(Probes.ProbeRules.All).DistinctBy(r => r.Id).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Rules the pipeline itself reports.</summary>
    public static readonly IReadOnlyList<RuleDescriptor> EngineRules = [Malware.EngineUnavailableException.Rule];

    static partial void Register(EngineSettings settings, Policy policy, TimeProvider time,
        List<IFileAnalyzer> file, List<IArtifactAnalyzer> artifact, ref IAnalyzer? walker, ref ArchiveWalk? walk);
}
