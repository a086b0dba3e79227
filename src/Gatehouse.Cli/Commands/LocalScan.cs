using System.Globalization;
using System.Text.Json;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Cli.Engines;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// The engine pipeline as the CLI runs it, shared by <c>gatehouse check</c> and <c>gatehouse sbom</c> so both scan
/// exactly as the server does: the policy file, the clamd endpoint (named, discovered or off), a private scratch
/// folder, one set of engines for the process, progress on a terminal's stderr.
/// </summary>
internal static class LocalScan
{
    /// <summary>The built-in policy, or the policy file; a file that cannot be read or parsed is a usage error.</summary>
    public static Policy LoadPolicy(FileInfo? policyFile)
    {
        try
        {
            return policyFile is null ? Policy.Default : PolicyFile.Load(policyFile.FullName);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--policy {policyFile!.Name}: {ex.Message}");
        }
    }

    /// <summary>
    /// The clamd endpoint to scan with: <paramref name="clamd"/> (<c>--clamd</c>), else <c>$GATEHOUSE_CLAMD</c>, else one
    /// found (said on stderr); null when turned off or none answers. <c>Discovery</c> is set when it was looked for.
    /// </summary>
    public static async Task<(string? Endpoint, ClamdDiscoveryResult? Discovery)> ResolveClamdAsync(CliEnvironment env, string? clamd, CancellationToken ct)
    {
        var named = clamd ?? env.GetVariable("GATEHOUSE_CLAMD");
        if (string.Equals(named?.Trim(), ClamdDiscovery.Off, StringComparison.OrdinalIgnoreCase))
            return (null, null); // explicitly without ClamAV: the engine is not configured (incomplete when the policy requires it)
        if (!string.IsNullOrWhiteSpace(named))
        {
            if (!Gatehouse.Analysis.Analyzers.Malware.ClamAv.ClamdEndpoint.TryParse(named, out _, out var problem))
                throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--clamd: {problem}");
            return (named, null);
        }
        var discovery = await ClamdDiscovery.FindAsync(env, ct);
        if (discovery.Endpoint is not null) env.Err.Write($"clamav: using the clamd at {Terminal.Sanitize(discovery.Endpoint)} (found; --clamd off to scan without it)\n");
        return (discovery.Endpoint, discovery);
    }

    /// <summary>
    /// Scans <paramref name="path"/> with the engine pipeline (reported as <paramref name="artifactName"/>, default the file name,
    /// charts rendered with <paramref name="helmPath"/>, default helm on the PATH); a missing file is a usage error.
    /// </summary>
    public static async Task<ScanReport> RunAsync(CliEnvironment env, FileInfo path, string type, Policy policy, string? clamdEndpoint,
        IAdvisorySource? advisories, bool profile, CancellationToken ct, string? artifactName = null, string? helmPath = null)
    {
        if (!path.Exists) throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"{path.FullName}: no such file");
        // Members are extracted into a private folder of this run (0700, files 0600), removed however the run ends.
        var scratch = CreateScratch(env);
        try
        {
            var settings = new EngineSettings
            {
                ClamdEndpoint = string.IsNullOrWhiteSpace(clamdEndpoint) ? null : clamdEndpoint,
                TempDirectory = scratch,
                Advisories = advisories,
                HelmPath = helmPath,
            };
            // The CLI's composition root: one set of engines for the process (one command per process).
            using var engines = new EngineHandles(env.TimeProvider);
            var scanProfile = profile ? new ScanProfile() : null;
            var pipeline = AnalyzerCatalog.CreatePipeline(engines, settings, policy, env.TimeProvider, scanProfile);
            var progress = env.ErrorIsTerminal && !profile ? new TerminalProgress(env.Err) : null;
            var report = await pipeline.ScanAsync(path.FullName, artifactName ?? path.Name, type, progress, ct);
            progress?.Done();
            if (scanProfile is not null) await env.Err.WriteLineAsync(scanProfile.Format());
            return report;
        }
        finally
        {
            DeleteScratch(scratch);
        }
    }

    /// <summary>
    /// <c>$TMPDIR/gatehouse-check-{random}</c> (the system temp folder when <c>TMPDIR</c> is unset or relative), created
    /// 0700 so that no other local user can read what is extracted from the artifact while the check runs.
    /// </summary>
    internal static string CreateScratch(CliEnvironment env)
    {
        var root = env.GetVariable("TMPDIR") is { } tmp && Path.IsPathFullyQualified(tmp) ? tmp : Path.GetTempPath();
        var path = Path.Combine(root, "gatehouse-check-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)));
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    internal static void DeleteScratch(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the folder is private (0700); nothing else can be done about it here.
        }
    }

    /// <summary>One rewritten status line on a terminal's stderr.</summary>
    private sealed class TerminalProgress(TextWriter err) : IProgress<ScanProgress>
    {
        private int _last;
        public void Report(ScanProgress value)
        {
            if (value.Files - _last < 25 && value.Files > 1) return;
            _last = value.Files;
            var name = value.CurrentPath.Length > 60 ? "…" + value.CurrentPath[^59..] : value.CurrentPath;
            err.Write(string.Create(CultureInfo.InvariantCulture, $"\r\u001b[2Kscanning: {value.Files} files, {value.Bytes / (1024 * 1024)} MiB  {Terminal.Sanitize(name)}"));
        }

        public void Done() => err.Write("\r\u001b[2K");
    }
}
