namespace Gatehouse.Cli;

/// <summary>
/// A failure that ends the command with <see cref="ExitCode"/> and one line on stderr
/// (<c>gatehouse: error: [code] message</c>). Thrown by helpers, caught in one place by <see cref="CliApp"/>.
/// </summary>
internal sealed class CliException : Exception
{
    public CliException(int exitCode, string? code, string message, int? httpStatus = null, Exception? inner = null, Http.ProblemInfo? problem = null)
        : base(message, inner)
    {
        ExitCode = exitCode;
        Code = code;
        HttpStatus = httpStatus;
        Problem = problem;
    }

    /// <summary>The process exit code, one of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; }

    /// <summary>Stable error ID (the server's problem-details <c>code</c>, or one of <see cref="CliErrorCodes"/>).</summary>
    public string? Code { get; }

    /// <summary>The HTTP status when the failure is a server response.</summary>
    public int? HttpStatus { get; }

    /// <summary>The server's problem-details body, when the failure is a server response that had one.</summary>
    public Http.ProblemInfo? Problem { get; }

    /// <summary>Same failure, different exit code (the command decides what a response means).</summary>
    public CliException WithExitCode(int exitCode) => new(exitCode, Code, Message, HttpStatus, this, Problem);
}
