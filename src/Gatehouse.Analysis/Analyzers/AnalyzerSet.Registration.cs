using Gatehouse.Analysis.Analyzers.FileType;
using Gatehouse.Analysis.Analyzers.Malware;
using Gatehouse.Analysis.Analyzers.Secrets;
using Gatehouse.Analysis.Artifacts;
using Gatehouse.Analysis.Pipeline;
using ArchiveWalk = Gatehouse.Analysis.Pipeline.ArchiveWalk;

namespace Gatehouse.Analysis.Analyzers;

public static partial class AnalyzerSet
{
    // Expensive to build (compiled regexes, compiled YARA rules, libmagic handles) and safe to share.
    private static readonly Lazy<FileTypeAnalyzer> FileType = new(() => new FileTypeAnalyzer());
    private static readonly Lazy<SecretsAnalyzer> Secrets = new(() => new SecretsAnalyzer());
    private static readonly Lazy<YaraAnalyzer> Yara = new(() => new YaraAnalyzer());
    // One per endpoint, so its periodic EICAR self-test is not repeated for every scan.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ClamAvAnalyzer> ClamAv = new(StringComparer.Ordinal);

    /// <summary>The shared ClamAV analyzer of an endpoint (its self-test state is kept between scans).</summary>
    public static ClamAvAnalyzer ClamAvFor(string endpoint, TimeProvider time) =>
        ClamAv.GetOrAdd(endpoint, ep => new ClamAvAnalyzer(new ClamAvOptions { Endpoint = ep }, time));

    /// <summary>Loads the YARA engine (libyara with its ABI self-test, else the CLI) and says which one runs.</summary>
    public static string YaraEngine()
    {
        Yara.Value.EnsureLoaded();
        return Yara.Value.EngineDescription ?? "loaded";
    }

    static partial void Register(EngineSettings settings, Policy policy, TimeProvider time,
        List<IFileAnalyzer> file, List<IArtifactAnalyzer> artifact, ref IAnalyzer? walker, ref ArchiveWalk? walk)
    {
        // 1. What the file is (later analyzers read ScanFile.DetectedType).
        file.Add(FileType.Value);
        // 2. Known-bad hashes, then secrets, then YARA and ClamAV on every file, nested members included
        //    (ClamAV misses ZIP64, oversize and overlapping members, so our walker extracts them for it).
        file.Add(new BlocklistAnalyzer());
        file.Add(Secrets.Value);
        file.Add(Yara.Value);
        if (!string.IsNullOrWhiteSpace(settings.ClamdEndpoint))
            file.Add(ClamAvFor(settings.ClamdEndpoint, time));
        // 3. The archive walker: every member of every archive, bounded by the policy's limits.
        var archive = new ArchiveWalker(policy, settings.TempDirectory ?? Path.GetTempPath(), time);
        walker = archive;
        walk = archive.WalkAsync;
    }
}
