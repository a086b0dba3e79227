namespace Gatehouse.Analysis.Analyzers;

/// <summary>Where the engines are; the same settings drive the server's jobs and <c>gatehouse check</c>.</summary>
public sealed record EngineSettings
{
    /// <summary>clamd endpoint (<c>tcp://host:port</c> or <c>unix:/path</c>); null when none is configured.</summary>
    public string? ClamdEndpoint { get; init; }

    /// <summary>
    /// The scan's folder for extracted members and engine spill files (default: the system temp folder). The engine
    /// creates its files there with mode 0600 (and the folder, if missing, 0700) but never removes the folder: give
    /// each scan a private folder and remove it when the scan ends, as the server (<c>{DataDirectory}/scratch</c>) and
    /// <c>gatehouse check</c> do, so that nothing outlives the scan and no other local user can read it.
    /// </summary>
    public string? TempDirectory { get; init; }

    /// <summary>
    /// Archive members up to this many bytes are kept in memory and handed to the analyzers from there; larger ones go to
    /// a 0600 file in <see cref="TempDirectory"/> (default 1 MiB; 0 writes every member to disk). With a few members in
    /// flight this bounds the memory it costs to a few MiB.
    /// </summary>
    public int InMemoryMemberBytes { get; init; } = Artifacts.ArchiveWalker.DefaultInMemoryMemberBytes;

    /// <summary>Most connections to clamd at once (default 4, 1 to 64): members are scanned side by side.</summary>
    public int ClamdConnections { get; init; } = Malware.ClamAv.ClamAvOptions.DefaultMaxConnections;

    /// <summary>
    /// The advisory store packages are matched against (issue 16); null: no matching (the <c>vulnerabilities</c> engine is
    /// then missing, which makes the verdict incomplete when the policy's <c>requiredEngines</c> names it).
    /// </summary>
    public Vulnerabilities.Matching.IAdvisorySource? Advisories { get; init; }

    /// <summary>
    /// The Helm binary that renders charts (issue 18: <c>gatehouse check --helm</c>, <c>GATEHOUSE_HELM</c>, the server's
    /// <c>Charts:HelmPath</c>); null looks for <c>helm</c> on the PATH. No Helm makes a chart scan incomplete, never a pass.
    /// </summary>
    public string? HelmPath { get; init; }
}
