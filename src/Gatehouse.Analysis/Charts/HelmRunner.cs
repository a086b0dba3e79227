using System.Diagnostics;
using System.Text;

namespace Gatehouse.Analysis.Charts;

/// <summary>
/// Runs the real Helm binary (never a template engine of our own) in a sandbox of environment and limits: a private HOME,
/// XDG and HELM_* folders inside the scratch folder, no KUBECONFIG, no inherited environment, stdin closed, standard output
/// read up to a limit and standard error bounded, and the whole process tree killed at the timeout or the output limit.
/// </summary>
public static class HelmRunner
{
    /// <summary>Standard error kept for messages.</summary>
    public const int MaxStderrChars = 8 * 1024;

    /// <summary>The environment variable that names Helm (<c>test.sh</c> sets it).</summary>
    public const string EnvironmentVariable = "GATEHOUSE_HELM";

    /// <summary>
    /// The Helm binary to use: <paramref name="configured"/> (<c>--helm</c>, the server's setting), else <c>GATEHOUSE_HELM</c>,
    /// else <c>helm</c> on the PATH; null when none exists.
    /// </summary>
    public static string? Locate(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) return File.Exists(env) ? Path.GetFullPath(env) : null;
        var name = OperatingSystem.IsWindows() ? "helm.exe" : "helm";
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
            catch (ArgumentException)
            {
                // a PATH entry with characters no path can have
            }
        }
        return null;
    }

    // helm version, by binary (path, size, mtime): asked once per binary and process, not once per scan.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Versions = new(StringComparer.Ordinal);

    /// <summary><c>helm version --short</c> (<c>v4.1.4+g05fa379</c>), or null when it does not answer.</summary>
    public static async Task<string?> VersionAsync(string helm, string scratch, CancellationToken ct)
    {
        var info = new FileInfo(helm);
        var key = $"{info.FullName}\0{info.Length}\0{info.LastWriteTimeUtc.Ticks}";
        if (Versions.TryGetValue(key, out var known)) return known;
        var version = await AskVersionAsync(helm, scratch, ct).ConfigureAwait(false);
        if (version is not null) Versions[key] = version;
        return version;
    }

    private static async Task<string?> AskVersionAsync(string helm, string scratch, CancellationToken ct)
    {
        var result = await RunAsync(helm, ["version", "--short"], scratch, TimeSpan.FromSeconds(15), 4096, ct).ConfigureAwait(false);
        if (!result.Succeeded) return null;
        var text = Encoding.UTF8.GetString(result.Stdout).Trim();
        return text.Length is > 0 and < 100 ? text : null;
    }

    /// <summary>Runs Helm with <paramref name="arguments"/> in <paramref name="scratch"/> (a private folder the caller removes).</summary>
    public static async Task<HelmResult> RunAsync(
        string helm, IReadOnlyList<string> arguments, string scratch, TimeSpan timeout, long maxStdout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(helm);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(scratch);
        var home = Path.Combine(scratch, "home");
        Directory.CreateDirectory(home);
        var start = new ProcessStartInfo(helm)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = scratch,
            CreateNoWindow = true,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        // Nothing of ours leaks into Helm (no KUBECONFIG, no credentials, no plugins); its caches stay in the scratch folder.
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        start.Environment["HOME"] = home;
        start.Environment["TMPDIR"] = home;
        start.Environment["XDG_CACHE_HOME"] = Path.Combine(home, "cache");
        start.Environment["XDG_CONFIG_HOME"] = Path.Combine(home, "config");
        start.Environment["XDG_DATA_HOME"] = Path.Combine(home, "data");
        start.Environment["HELM_CACHE_HOME"] = Path.Combine(home, "cache", "helm");
        start.Environment["HELM_CONFIG_HOME"] = Path.Combine(home, "config", "helm");
        start.Environment["HELM_DATA_HOME"] = Path.Combine(home, "data", "helm");
        start.Environment["KUBECONFIG"] = Path.Combine(home, "no-kubeconfig");
        start.Environment["HELM_PLUGINS"] = Path.Combine(home, "no-plugins");

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new HelmResult(null, [], $"helm could not be started: {ex.Message}", false, false);
        }
        try { process.StandardInput.Close(); } catch (IOException) { }

        using var limits = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limits.CancelAfter(timeout);
        var outputLimit = false;
        var stdout = new MemoryStream();
        var readOut = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            var stream = process.StandardOutput.BaseStream;
            while (true)
            {
                var n = await stream.ReadAsync(buffer, limits.Token).ConfigureAwait(false);
                if (n == 0) return;
                if (stdout.Length + n > maxStdout)
                {
                    outputLimit = true;
                    await limits.CancelAsync().ConfigureAwait(false);
                    return;
                }
                stdout.Write(buffer, 0, n);
            }
        }, CancellationToken.None);
        var stderr = new StringBuilder();
        var readErr = Task.Run(async () =>
        {
            var buffer = new char[8 * 1024];
            var reader = process.StandardError;
            while (true)
            {
                var n = await reader.ReadAsync(buffer, limits.Token).ConfigureAwait(false);
                if (n == 0) return;
                lock (stderr)
                {
                    var room = MaxStderrChars - stderr.Length;
                    if (room > 0) stderr.Append(buffer, 0, Math.Min(room, n));
                }
            }
        }, CancellationToken.None);

        var exited = false;
        try
        {
            await process.WaitForExitAsync(limits.Token).ConfigureAwait(false);
            await Task.WhenAll(readOut, readErr).WaitAsync(limits.Token).ConfigureAwait(false);
            exited = true;
        }
        catch (OperationCanceledException)
        {
            // timeout, output limit or the caller: kill below
        }
        if (!exited)
        {
            try { process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { }
            catch (System.ComponentModel.Win32Exception) { }
            try { await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false); }
            catch (TimeoutException) { }
            try { await Task.WhenAll(readOut, readErr).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false); }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or IOException) { }
            ct.ThrowIfCancellationRequested();
        }
        string err;
        lock (stderr) err = stderr.ToString();
        // Output of a killed run is never used (and its reader may still be finishing).
        return exited
            ? new HelmResult(process.ExitCode, stdout.ToArray(), err, false, false)
            : new HelmResult(null, [], err, !outputLimit, outputLimit);
    }
}
