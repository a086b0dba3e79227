using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Artifacts;

/// <summary>
/// Opens archives (zip and zip-based: jar, war, nupkg, vsix, crx; tar; tar.gz/tgz; gz), extracts
/// every regular member to a walker-named temp file with streaming limits, hands each to the
/// pipeline and descends into nested archives. Reports <c>archive.*</c> findings (requirement
/// GH-FILE-2). Hostile input never throws: it becomes a finding.
/// </summary>
public sealed class ArchiveWalker : IArtifactExpander
{
    private readonly Policy _policy;
    private readonly string _tempDirectory;
    private readonly TimeProvider _time;

    /// <param name="policy">Limits (<see cref="Policy.MaxEntryUncompressedBytes"/> and friends).</param>
    /// <param name="tempDirectory">Where extracted members go, under names the walker makes up, each with mode 0600; created
    /// (mode 0700) if missing. Give each scan a private folder of its own and remove it afterwards: a killed process
    /// cannot delete what it extracted.</param>
    public ArchiveWalker(Policy policy, string tempDirectory)
        : this(policy, tempDirectory, TimeProvider.System)
    {
    }

    /// <param name="timeProvider">Clock for <see cref="Policy.MaxScanTime"/>.</param>
    public ArchiveWalker(Policy policy, string tempDirectory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentException.ThrowIfNullOrEmpty(tempDirectory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _policy = policy;
        _tempDirectory = tempDirectory;
        _time = timeProvider;
    }

    /// <summary>
    /// Members up to this many bytes stay in memory (<see cref="ScanFile.Content"/>); larger ones go to a temp file in the
    /// scan's private folder (default 1 MiB; 0 writes every member to disk). Bounds memory: the pipeline keeps a few members in flight.
    /// </summary>
    public int InMemoryMemberBytes { get; init; } = DefaultInMemoryMemberBytes;

    /// <summary>Default of <see cref="InMemoryMemberBytes"/>: 1 MiB.</summary>
    public const int DefaultInMemoryMemberBytes = 1 << 20;

    /// <summary>Collects the extraction's time when set (<c>gatehouse check --profile</c>).</summary>
    public ScanProfile? Profile { get; init; }

    public string Id => "archive";

    public string Version => "1.2.0"; // 1.1.0: archive.corrupt is high; 1.2.0: archive.link-escape is low, archive.link-traversal (issue 15)

    /// <summary>Every rule the walker can report, for <c>gatehouse rules</c>, SARIF and docs.</summary>
    public static IReadOnlyList<RuleDescriptor> AllRules => ArchiveRules.All;

    public IReadOnlyList<RuleDescriptor> Rules => AllRules;

    /// <summary>
    /// Whether <paramref name="header"/> (the first bytes of a file; 512 are enough) starts an archive the
    /// walker opens: zip <c>PK\3\4</c>/<c>PK\5\6</c>, CRX <c>Cr24</c>, gzip <c>1F 8B</c>, tar
    /// (<c>ustar</c> at offset 257 or a valid header checksum). Names are never consulted.
    /// </summary>
    public static bool LooksLikeArchive(ReadOnlySpan<byte> header) => ArchiveSniffer.Detect(header) != ArchiveFormat.None;

    /// <summary>
    /// Walks <paramref name="root"/> if it is an archive (otherwise does nothing). Every regular member
    /// reaches <paramref name="onFile"/> as a <see cref="ScanFile"/> whose <see cref="ScanFile.Open"/> is
    /// valid only until <paramref name="onFile"/> returns (its <see cref="ScanFile.Content"/>, when set, as long as
    /// the object lives); a nested archive is walked before it reaches <paramref name="onFile"/> (up to
    /// <see cref="Policy.MaxNestingDepth"/>), so that its <see cref="ScanFile.FullyUnpacked"/> is known; the walker sets
    /// that flag on <paramref name="root"/> too. Temp files are deleted before this method returns.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled. Running out of
    /// <see cref="Policy.MaxScanTime"/> is not an exception: it is an <c>archive.bomb</c> finding (kind time).</exception>
    /// <remarks>Exceptions thrown by <paramref name="onFile"/> or <paramref name="report"/> propagate unchanged.</remarks>
    public Task WalkAsync(ScanFile root, Func<ScanFile, CancellationToken, ValueTask> onFile, Action<Finding> report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(onFile);
        ArgumentNullException.ThrowIfNull(report);
        PrivateFiles.EnsureFolder(_tempDirectory);
        return new ArchiveWalk(_policy, _tempDirectory, _time, onFile, report)
        {
            InMemoryMemberBytes = Math.Max(0, InMemoryMemberBytes),
            Profile = Profile,
        }.RunAsync(root, ct);
    }

    /// <summary>
    /// Walks one container image layer (issue 17) as <see cref="WalkAsync"/> walks an archive, calling
    /// <paramref name="entries"/> with every entry of the layer's own tar (not of archives inside it) and judging links in the
    /// container's root (an absolute symlink target is the image's own path, not the host's). An
    /// <see cref="Images.ImageException"/> from <paramref name="layer"/>'s stream (a digest mismatch) propagates unchanged.
    /// </summary>
    internal Task WalkLayerAsync(ScanFile layer, Func<ScanFile, CancellationToken, ValueTask> onFile, Action<Finding> report,
        Action<System.Formats.Tar.TarEntry> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(onFile);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(entries);
        PrivateFiles.EnsureFolder(_tempDirectory);
        return new ArchiveWalk(_policy, _tempDirectory, _time, onFile, report)
        {
            InMemoryMemberBytes = Math.Max(0, InMemoryMemberBytes),
            Profile = Profile,
            LayerEntries = entries,
        }.RunAsync(layer, ct);
    }

    /// <summary>The pipeline's expansion step: <see cref="WalkAsync"/>.</summary>
    Task IArtifactExpander.ExpandAsync(ScanFile root, Func<ScanFile, CancellationToken, ValueTask> onMember, Action<Finding> report, CancellationToken ct) =>
        WalkAsync(root, onMember, report, ct);
}
