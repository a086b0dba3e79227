namespace Gatehouse.Analysis.Pipeline;

/// <summary>
/// What the gate allows and how it judges. Defaults are sane for downloadable apps; a policy file
/// (JSON) overrides any of them.
/// </summary>
public sealed record Policy
{
    public static readonly Policy Default = new();

    // ---- archive limits (archive.bomb and friends)
    /// <summary>Total uncompressed bytes across all members, all depths (default 4 GiB).</summary>
    public long MaxTotalUncompressedBytes { get; init; } = 4L << 30;
    /// <summary>Uncompressed bytes of one member (default 1 GiB).</summary>
    public long MaxEntryUncompressedBytes { get; init; } = 1L << 30;
    /// <summary>Largest uncompressed/compressed ratio of a member above 1 MiB (default 100).</summary>
    public double MaxCompressionRatio { get; init; } = 100;
    /// <summary>Archives inside archives (default 5).</summary>
    public int MaxNestingDepth { get; init; } = 5;
    /// <summary>Members across all depths (default 100 000).</summary>
    public int MaxEntryCount { get; init; } = 100_000;
    /// <summary>Wall-clock budget of one scan (default 10 minutes).</summary>
    public TimeSpan MaxScanTime { get; init; } = TimeSpan.FromMinutes(10);

    // ---- judgement
    /// <summary>Severities at or above this reject (default High).</summary>
    public Severity RejectAt { get; init; } = Severity.High;
    /// <summary>Severities at or above this (and below <see cref="RejectAt"/>) need review (default Medium).</summary>
    public Severity ReviewAt { get; init; } = Severity.Medium;
    /// <summary>Per-rule severity overrides.</summary>
    public IReadOnlyDictionary<string, Severity> SeverityOverrides { get; init; } = new Dictionary<string, Severity>();
    /// <summary>Engines that must be reachable, else the verdict is incomplete (default clamav, yara).</summary>
    public IReadOnlyList<string> RequiredEngines { get; init; } = ["clamav", "yara"];
    /// <summary>File types (refined MIME) allowed per artifact type; empty means any.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> AllowedTypes { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    /// <summary>SHA-256 digests (lower-case hex) that are known malware.</summary>
    public IReadOnlyList<string> BlockedSha256 { get; init; } = [];

    /// <summary>Container image limits and expectations (issue 17).</summary>
    public Images.ImagePolicy Images { get; init; } = Gatehouse.Analysis.Images.ImagePolicy.Default;

    /// <summary>Helm chart reading and rendering limits (issue 18).</summary>
    public Charts.ChartPolicy Charts { get; init; } = Gatehouse.Analysis.Charts.ChartPolicy.Default;
}
