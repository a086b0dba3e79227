namespace Gatehouse.Cli;

/// <summary>
/// Process exit codes of <c>gatehouse</c>. They are a contract for CI scripts: only <see cref="Ok"/>
/// means "checked and fine", only <see cref="GateSaidNo"/> means "checked and rejected".
/// </summary>
public static class ExitCodes
{
    /// <summary>The command ran to completion and everything it checked holds.</summary>
    public const int Ok = 0;

    /// <summary>
    /// The command ran to completion and the answer is no: findings fail the gate, the audit chain is
    /// broken, or the server refused the credentials (<c>login</c>).
    /// </summary>
    public const int GateSaidNo = 1;

    /// <summary>
    /// The command line or the local setup is wrong (unknown option, malformed value, not logged in,
    /// unreadable config file); nothing was checked.
    /// </summary>
    public const int Usage = 2;

    /// <summary>
    /// The check could not be completed: the server was unreachable or answered with an error or an
    /// unexpected response, the engine failed, or the command was cancelled. Never read this as a pass.
    /// </summary>
    public const int Incomplete = 3;

    /// <summary>
    /// <c>download</c> only: the file arrived but its SHA-256 is not the digest the server announced (or its
    /// <c>ETag</c>), or it is longer than announced. The partial file was deleted; nothing was written to the output path.
    /// </summary>
    public const int DigestMismatch = 4;

    /// <summary>
    /// <c>audit verify</c> only: the hash chain is intact, but the server holds state changes (transitions, decisions,
    /// uploads, tokens, keys) that have no audit entry. A broken chain is <see cref="GateSaidNo"/> whatever the gaps.
    /// </summary>
    public const int UnauditedChanges = 5;
}
