namespace Gatehouse.Analysis.Charts;

/// <summary>How one Helm run ended.</summary>
/// <param name="ExitCode">The exit code, null when the process was killed.</param>
/// <param name="Stdout">Standard output, at most the limit the run was given.</param>
/// <param name="Stderr">Standard error, its first <see cref="HelmRunner.MaxStderrChars"/> characters.</param>
/// <param name="TimedOut">Killed at the timeout.</param>
/// <param name="OutputLimit">Killed because standard output passed the limit.</param>
public sealed record HelmResult(int? ExitCode, byte[] Stdout, string Stderr, bool TimedOut, bool OutputLimit)
{
    /// <summary>Exited 0 within both limits.</summary>
    public bool Succeeded => ExitCode == 0 && !TimedOut && !OutputLimit;
}
