namespace Gatehouse.Cli;

/// <summary>Stable IDs for failures the CLI detects itself (the server's own codes pass through unchanged).</summary>
internal static class CliErrorCodes
{
    /// <summary>No server or token configured: run <c>gatehouse login</c> or set the environment variables.</summary>
    public const string NotLoggedIn = "cli.not-logged-in";

    /// <summary>The config file exists but cannot be read or parsed.</summary>
    public const string ConfigUnreadable = "cli.config-unreadable";

    /// <summary>The config file could not be written.</summary>
    public const string ConfigUnwritable = "cli.config-unwritable";

    /// <summary>The server could not be reached (DNS, TCP, TLS, timeout).</summary>
    public const string Unreachable = "cli.server-unreachable";

    /// <summary>The server answered 2xx with a body the CLI cannot use.</summary>
    public const string BadResponse = "cli.bad-response";

    /// <summary>The server answered with a redirect; the CLI does not follow redirects with a token.</summary>
    public const string Redirected = "cli.redirected";

    /// <summary>An argument that the parser accepted but the command cannot use.</summary>
    public const string InvalidArgument = "cli.invalid-argument";

    /// <summary><c>submit --wait</c> gave up: the version was still being scanned when <c>--timeout</c> ran out.</summary>
    public const string WaitTimeout = "cli.wait-timeout";

    /// <summary><c>download</c>: the output file exists and <c>--force</c> was not given.</summary>
    public const string OutputExists = "cli.output-exists";

    /// <summary><c>download</c>: the connection ended before the whole file arrived; the <c>.part</c> file is kept for <c>--resume</c>.</summary>
    public const string DownloadInterrupted = "cli.download-interrupted";

    /// <summary><c>download</c>: the downloaded bytes do not match the digest the server announced (exit 4).</summary>
    public const string DigestMismatch = "cli.digest-mismatch";

    /// <summary><c>engines start</c>: the engine's program (clamd) is not installed.</summary>
    public const string EngineMissing = "cli.engine-missing";

    /// <summary><c>engines start</c>: the engine refused its configuration, exited, or did not answer in time.</summary>
    public const string EngineFailed = "cli.engine-failed";

    /// <summary>The advisory store's folder or database cannot be opened (exit 3).</summary>
    public const string AdvisoryStoreUnreadable = "cli.advisory-store-unreadable";

    /// <summary><c>sbom --output</c>: the SBOM file could not be written (exit 3).</summary>
    public const string OutputUnwritable = "cli.output-unwritable";

    /// <summary>The command was cancelled (Ctrl+C).</summary>
    public const string Cancelled = "cli.cancelled";

    /// <summary>A bug: an exception nobody expected.</summary>
    public const string Unexpected = "cli.unexpected";

    /// <summary>Used when the server refuses a token (401) without saying why.</summary>
    public const string InvalidToken = "auth.invalid-token";
}
