namespace Gatehouse.Analysis.Images.Smoke;

/// <summary>
/// What the vendor declares the smoke test is (issue 17): a command run inside the started container that must exit 0, or
/// an HTTP endpoint on loopback that must answer 2xx/3xx; with neither, the image's HEALTHCHECK, else its default command
/// must keep running (or exit 0) for <see cref="SmokeLimits.SettleTime"/>.
/// </summary>
/// <param name="Command">argv of the health command (e.g. <c>["/bin/wget","-qO-","http://127.0.0.1:8080/health"]</c>), or null.</param>
/// <param name="HttpPort">The container port an HTTP probe calls on 127.0.0.1 (inside the container's network namespace), or null.</param>
/// <param name="HttpPath">The HTTP path (default <c>/</c>).</param>
public sealed record SmokeSpec(IReadOnlyList<string>? Command = null, int? HttpPort = null, string? HttpPath = null)
{
    /// <summary>No declaration: the image's HEALTHCHECK, else the default command must keep running.</summary>
    public static readonly SmokeSpec Default = new();
}

/// <summary>Bounds of one smoke run.</summary>
public sealed record SmokeLimits
{
    public static readonly SmokeLimits Default = new();
    /// <summary>Whole run, unpack included (default 2 minutes).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>How long the default command must keep running (or exit 0) before the check (default 5 s).</summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(5);
    public long MemoryBytes { get; init; } = 512L << 20;
    /// <summary>CPU quota in cores (default 1).</summary>
    public double Cpus { get; init; } = 1;
    public int Pids { get; init; } = 256;
    /// <summary>Bytes of stdout+stderr kept (default 64 KiB; the rest is cut, and says so).</summary>
    public int MaxLogBytes { get; init; } = 64 << 10;
}

/// <summary>The outcome of a smoke run: <c>passed</c>, <c>failed</c> (the image's fault) or <c>incomplete</c> (could not be run).</summary>
/// <param name="Status"><c>passed</c>, <c>failed</c> or <c>incomplete</c>.</param>
/// <param name="Check">What was checked: <c>command</c>, <c>http</c>, <c>healthcheck</c> or <c>default-command</c>.</param>
/// <param name="ExitCode">Exit code of the checked process, when it exited.</param>
/// <param name="Log">Bounded stdout and stderr of the container and the check.</param>
/// <param name="Reason">One sentence for people (why it failed or could not run).</param>
/// <param name="DurationMs">Wall time of the run.</param>
public sealed record SmokeResult(string Status, string Check, int? ExitCode, string Log, string Reason, long DurationMs)
{
    public const string Passed = "passed";
    public const string Failed = "failed";
    public const string Incomplete = "incomplete";
}
