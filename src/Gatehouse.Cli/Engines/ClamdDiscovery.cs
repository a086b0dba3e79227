using Gatehouse.Analysis.Analyzers.Malware.ClamAv;

namespace Gatehouse.Cli.Engines;

/// <summary>
/// Finds the clamd <c>gatehouse check</c> scans with when the command line and the environment name none:
/// the clamd <c>gatehouse engines start</c> runs for this user first, then the places where the operating
/// systems' ClamAV packages listen. A candidate counts only when it answers <c>PING</c> with <c>PONG</c> within
/// a short timeout; the scan's own self-test (EICAR) still decides whether the engine is fit to scan.
/// </summary>
internal static class ClamdDiscovery
{
    /// <summary>What <c>--clamd</c> or <c>GATEHOUSE_CLAMD</c> say to turn discovery off (the engine is then not configured).</summary>
    public const string Off = "off";

    /// <summary>
    /// Where the ClamAV packages put clamd: Debian and Ubuntu's <c>clamav-daemon</c> (<c>LocalSocket /run/clamav/clamd.ctl</c>,
    /// also reached through <c>/var/run</c>), Fedora and RHEL's <c>clamd@scan</c> (<c>/run/clamd.scan/clamd.sock</c>),
    /// and clamd's own default TCP port on the loopback address.
    /// </summary>
    public static readonly IReadOnlyList<string> SystemEndpoints =
    [
        "unix:/run/clamav/clamd.ctl",
        "unix:/var/run/clamav/clamd.ctl",
        "unix:/run/clamd.scan/clamd.sock",
        "unix:/var/run/clamd.scan/clamd.sock",
        "tcp://127.0.0.1:3310",
    ];

    /// <summary>How long one candidate may take to connect and answer.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The candidates in the order they are tried: the user's own clamd (when it was started), then <see cref="CliEnvironment.ClamdCandidates"/>.</summary>
    public static IReadOnlyList<string> Candidates(CliEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        var list = new List<string>();
        if (LocalClamd.ReadEndpoint(env) is { } own) list.Add(own);
        foreach (var c in env.ClamdCandidates)
        {
            if (!list.Contains(c, StringComparer.Ordinal)) list.Add(c);
        }
        return list;
    }

    /// <summary>Tries every candidate in order and returns the first that answers <c>PONG</c>, with what each one tried said.</summary>
    public static async Task<ClamdDiscoveryResult> FindAsync(CliEnvironment env, CancellationToken ct)
    {
        var tried = new List<ClamdProbe>();
        foreach (var candidate in Candidates(env))
        {
            var problem = await ProbeAsync(candidate, env.TimeProvider, ct).ConfigureAwait(false);
            tried.Add(new ClamdProbe(candidate, problem));
            if (problem is null) return new ClamdDiscoveryResult(candidate, tried);
        }
        return new ClamdDiscoveryResult(null, tried);
    }

    /// <summary>Null when <paramref name="endpoint"/> answers <c>PING</c> with <c>PONG</c>; else why not, in a few words.</summary>
    public static async Task<string?> ProbeAsync(string endpoint, TimeProvider time, CancellationToken ct)
    {
        if (!ClamdEndpoint.TryParse(endpoint, out var parsed, out var problem)) return problem;
        // A missing socket file is the common case on a laptop: say so without a connection attempt.
        if (parsed.IsUnixSocket && !File.Exists(parsed.SocketPath)) return "no socket";
        try
        {
            var client = new ClamdClient(new ClamAvOptions { Endpoint = endpoint, Timeout = ProbeTimeout, ConnectTimeout = ProbeTimeout }, time);
            await client.PingAsync(ct).ConfigureAwait(false);
            return null;
        }
        catch (ClamdException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// What <c>check</c> says when ClamAV is required and no clamd was found: both ways out, and where it looked.
    /// </summary>
    public static string Hint(ClamdDiscoveryResult? result)
    {
        var looked = result is null || result.Tried.Count == 0
            ? ""
            : " (looked at " + string.Join(", ", result.Tried.Select(t => t.Endpoint)) + ")";
        return "no clamd found" + looked + ". " + Remedy;
    }

    /// <summary>The two ways to give <c>check</c> a clamd.</summary>
    public const string Remedy = "Start one with 'gatehouse engines start', or name yours with --clamd tcp://HOST:PORT|unix:/path (or GATEHOUSE_CLAMD).";
}
