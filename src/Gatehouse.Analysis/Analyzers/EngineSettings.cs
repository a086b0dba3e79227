namespace Gatehouse.Analysis.Analyzers;

/// <summary>Where the engines are; the same settings drive the server's jobs and <c>gatehouse check</c>.</summary>
public sealed record EngineSettings
{
    /// <summary>clamd endpoint (<c>tcp://host:port</c> or <c>unix:/path</c>); null when none is configured.</summary>
    public string? ClamdEndpoint { get; init; }

    /// <summary>Folder for extracted members (default: the system temp folder).</summary>
    public string? TempDirectory { get; init; }
}
