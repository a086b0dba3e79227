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
}
