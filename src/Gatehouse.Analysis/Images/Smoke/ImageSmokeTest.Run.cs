using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Gatehouse.Analysis.Images.Smoke;

// The runner: prepare a tagged layout, umoci unpack, rewrite the runtime config, `runc run` in the foreground (its exit
// code is the container's), the check, then kill, delete and remove everything, however the run ends.
public sealed partial class ImageSmokeTest
{
    /// <summary>Path of skopeo, which converts tar inputs (docker-archive, OCI archive) to a layout (default: found on PATH).</summary>
    public string? SkopeoPath { get; init; }

    /// <summary>How often a failing check is tried again while the image settles.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);
    /// <summary>One HTTP request of the probe.</summary>
    private static readonly TimeSpan HttpAttemptTimeout = TimeSpan.FromSeconds(5);
    /// <summary>Bytes of a tool's (umoci, skopeo) output kept for the reason.</summary>
    private const int ToolOutputBytes = 4096;

    private static readonly string[] SystemDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    private partial bool IsAvailableCore(out string reason)
    {
        if (!OperatingSystem.IsLinux()) { reason = "smoke tests need Linux (runc)"; return false; }
        if (Resolve(RuncPath, "runc") is null) { reason = $"runc was not found ({RuncPath ?? "not on PATH"}); install runc"; return false; }
        if (Resolve(UmociPath, "umoci") is null) { reason = $"umoci was not found ({UmociPath ?? "not on PATH"}); install umoci"; return false; }
        if (!Environment.IsPrivilegedProcess) { reason = "smoke tests run containers with runc as root; this process is not root"; return false; }
        reason = "";
        return true;
    }

    private static string? Resolve(string? configured, string name)
    {
        if (configured is not null) return File.Exists(configured) ? configured : null;
        var path = Environment.GetEnvironmentVariable("PATH")?.Split(':', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return path.Concat(SystemDirectories).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    private async partial Task<SmokeResult> RunCoreAsync(string imagePath, SmokeSpec spec, SmokeLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(imagePath);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(limits);
        var run = new Run(this, spec, limits);
        return await run.ExecuteAsync(imagePath, ct);
    }

    /// <summary>One smoke run (its folder, container and result).</summary>
    private sealed class Run(ImageSmokeTest owner, SmokeSpec spec, SmokeLimits limits)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly BoundedLog _containerLog = new(limits.MaxLogBytes);
        private string _check = spec.Command is not null ? "command" : spec.HttpPort is not null ? "http" : "default-command";
        private string _checkLog = "";
        private string? _runc;
        private string? _containerId;
        private Process? _container;
        private bool _started;
        private bool _checking;

        public async Task<SmokeResult> ExecuteAsync(string imagePath, CancellationToken ct)
        {
            if (!owner.IsAvailableCore(out var why)) return Incomplete(why);
            _runc = Resolve(owner.RuncPath, "runc")!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(limits.Timeout);
            string? runDir = null;
            try
            {
                runDir = CreatePrivateDirectory(owner.ScratchDirectory);
                return await RunAsync(imagePath, runDir, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                var seconds = limits.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
                // A hanging check or an image that never settles is the image's fault; a run that had not started yet is not.
                return _checking
                    ? Result(SmokeResult.Failed, null, $"the {_check} check did not finish within the smoke test's timeout ({seconds} s)")
                    : Incomplete($"the smoke test's timeout ({seconds} s) ended before the container ran");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
            {
                return Incomplete("the smoke test could not run: " + e.Message);
            }
            finally
            {
                await CleanUpAsync(runDir);
            }
        }

        private async Task<SmokeResult> RunAsync(string imagePath, string runDir, CancellationToken ct)
        {
            // 1. A layout with the image tagged for umoci.
            var layout = Path.Combine(runDir, "layout");
            switch (SmokeBundle.Detect(imagePath))
            {
                case SmokeBundle.InputKind.OciLayoutFolder:
                    if (SmokeBundle.TagLayout(imagePath, layout) is { } layoutProblem) return Incomplete(layoutProblem);
                    break;
                case SmokeBundle.InputKind.OciArchive or SmokeBundle.InputKind.DockerArchive when Resolve(owner.SkopeoPath, "skopeo") is not { } skopeo:
                    return Incomplete($"converting the image archive needs skopeo, which was not found ({owner.SkopeoPath ?? "not on PATH"})");
                case var kind and (SmokeBundle.InputKind.OciArchive or SmokeBundle.InputKind.DockerArchive):
                    var transport = kind == SmokeBundle.InputKind.DockerArchive ? "docker-archive" : "oci-archive";
                    var copy = await ToolAsync(Resolve(owner.SkopeoPath, "skopeo")!, runDir, ct,
                        "--insecure-policy", "copy", "--quiet", $"{transport}:{Path.GetFullPath(imagePath)}", $"oci:{layout}:{SmokeBundle.Tag}");
                    if (copy.ExitCode != 0) return Incomplete($"skopeo could not convert the {transport}: {LastLine(copy.Output)}");
                    break;
                default:
                    return Incomplete("not an OCI image layout, OCI archive or docker-archive");
            }

            // 2. The check: the vendor's, else the image's HEALTHCHECK, else the default command must keep running.
            var argv = spec.Command;
            if (argv is null && spec.HttpPort is null && SmokeBundle.HealthcheckArgv(SmokeBundle.ReadHealthcheck(layout)) is { } health)
            {
                argv = health;
                _check = "healthcheck";
            }
            if (argv is { Count: 0 }) return Incomplete("the smoke command is empty");

            // 3. Unpack (as root: owners and modes as in the image) and make the runtime config safe.
            var bundle = Path.Combine(runDir, "bundle");
            var unpack = await ToolAsync(Resolve(owner.UmociPath, "umoci")!, runDir, ct, "unpack", "--image", $"{layout}:{SmokeBundle.Tag}", bundle);
            if (unpack.ExitCode != 0) return Incomplete($"umoci could not unpack the image: {LastLine(unpack.Output)}");
            SmokeBundle.RewriteConfig(Path.Combine(bundle, "config.json"), limits);

            // 4. Start. The pid file appears once the container exists; runc exiting before that is a failed start.
            _containerId = "gatehouse-smoke-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            var pidFile = Path.Combine(runDir, "container.pid");
            _container = Start(_runc!, ["run", "--bundle", bundle, "--pid-file", pidFile, _containerId], _containerLog, out var pumps);
            _started = true;
            int pid;
            while (!TryReadPid(pidFile, out pid))
            {
                if (_container.HasExited)
                {
                    await pumps;
                    var error = RuncError(_containerLog.ToString());
                    // runc looks up the image's command before it starts it: a missing or broken entrypoint is the image's fault.
                    return error.Contains("unable to start container process: exec:", StringComparison.Ordinal)
                        ? Result(SmokeResult.Failed, null, "the image's command could not be started: " + error)
                        : Incomplete("runc could not start the container: " + error);
                }
                await Task.Delay(20, ct);
            }

            // 5. The check.
            _checking = true;
            var settled = _clock.Elapsed + limits.SettleTime;
            if (argv is null && spec.HttpPort is null)
            {
                var exited = _container.WaitForExitAsync(ct);
                await Task.WhenAny(exited, Task.Delay(limits.SettleTime, ct));
                ct.ThrowIfCancellationRequested();
                if (!_container.HasExited)
                    return Result(SmokeResult.Passed, null, $"the default command was still running after {Seconds(limits.SettleTime)} s");
                await pumps;
                return _container.ExitCode == 0
                    ? Result(SmokeResult.Passed, 0, "the default command exited with code 0")
                    : Result(SmokeResult.Failed, _container.ExitCode, $"the default command exited with code {_container.ExitCode}");
            }
            using var http = spec.HttpPort is { } port ? HttpClientFor(pid, port) : null;
            while (true)
            {
                if (_container.HasExited)
                {
                    await pumps;
                    var code = _container.ExitCode;
                    return Result(SmokeResult.Failed, code, code == 0
                        ? $"the default command exited with code 0 before the {_check} check passed"
                        : $"the default command exited with code {code} before the {_check} check passed");
                }
                var (ok, exitCode, detail) = http is not null ? await HttpAttemptAsync(http, ct) : await ExecAttemptAsync(argv!, ct);
                if (ok) return Result(SmokeResult.Passed, exitCode, $"the {_check} check passed" + (detail.Length > 0 ? $" ({detail})" : ""));
                if (_clock.Elapsed >= settled)
                    return Result(SmokeResult.Failed, exitCode, $"the {_check} check failed after {Seconds(limits.SettleTime)} s: {detail}");
                await Task.Delay(RetryDelay, ct);
            }
        }

        private async Task<(bool Ok, int? ExitCode, string Detail)> ExecAttemptAsync(IReadOnlyList<string> argv, CancellationToken ct)
        {
            var log = new BoundedLog(limits.MaxLogBytes);
            using var exec = Start(_runc!, ["exec", _containerId!, .. argv], log, out var pumps);
            try
            {
                await exec.WaitForExitAsync(ct);
                await pumps;
            }
            finally
            {
                if (!exec.HasExited) Kill(exec);
            }
            _checkLog = $"--- {_check}: {string.Join(' ', argv)} (exit {exec.ExitCode}) ---\n{log}";
            return (exec.ExitCode == 0, exec.ExitCode, $"exit code {exec.ExitCode}");
        }

        private static HttpClient HttpClientFor(int pid, int port) => new(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (_, _) => new NetworkStream(await NetNamespace.ConnectLoopbackAsync(pid, port), ownsSocket: true),
        })
        { Timeout = HttpAttemptTimeout };

        private async Task<(bool Ok, int? ExitCode, string Detail)> HttpAttemptAsync(HttpClient http, CancellationToken ct)
        {
            var path = string.IsNullOrEmpty(spec.HttpPath) ? "/" : spec.HttpPath.StartsWith('/') ? spec.HttpPath : "/" + spec.HttpPath;
            var url = $"http://127.0.0.1:{spec.HttpPort}{path}";
            try
            {
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
                var status = (int)response.StatusCode;
                _checkLog = $"--- http: GET {url} → {status} ---";
                return (status is >= 200 and < 400, null, $"GET {url} answered {status}");
            }
            catch (Exception e) when (e is HttpRequestException or IOException or SocketException || (e is TaskCanceledException && !ct.IsCancellationRequested))
            {
                _checkLog = $"--- http: GET {url} → {e.Message} ---";
                return (false, null, $"GET {url}: {e.Message}");
            }
        }

        private async Task CleanUpAsync(string? runDir)
        {
            if (_started && _containerId is not null)
            {
                // Both always: kill stops every process of the container, delete -f removes it whatever its state.
                await ToolAsync(_runc!, runDir ?? owner.ScratchDirectory, CancellationToken.None, "kill", _containerId, "KILL");
                await ToolAsync(_runc!, runDir ?? owner.ScratchDirectory, CancellationToken.None, "delete", "-f", _containerId);
            }
            if (_container is not null)
            {
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _container.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    Kill(_container);
                }
                _container.Dispose();
            }
            if (runDir is not null)
            {
                try
                {
                    Directory.Delete(runDir, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Best effort: the folder is private (0700) and under the scratch folder the caller owns.
                }
            }
        }

        private SmokeResult Incomplete(string reason) => Result(SmokeResult.Incomplete, null, reason);

        private SmokeResult Result(string status, int? exitCode, string reason)
        {
            var log = _containerLog.ToString();
            if (_checkLog.Length > 0) log = (log.Length > 0 && !log.EndsWith('\n') ? log + "\n" : log) + _checkLog;
            return new SmokeResult(status, _check, exitCode, BoundedLog.Cut(log, limits.MaxLogBytes), reason, _clock.ElapsedMilliseconds);
        }

        private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
    }

    private static string CreatePrivateDirectory(string parent)
    {
        Directory.CreateDirectory(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(parent, "smoke-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static bool TryReadPid(string pidFile, out int pid)
    {
        pid = 0;
        try
        {
            return File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out pid) && pid > 0;
        }
        catch (IOException)
        {
            return false; // being written
        }
    }

    /// <summary>Starts a process with stdin closed and stdout and stderr read into <paramref name="log"/>.</summary>
    private static Process Start(string file, IEnumerable<string> args, BoundedLog log, out Task pumps)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        var process = Process.Start(info) ?? throw new IOException($"{file} could not be started");
        process.StandardInput.Close();
        pumps = Task.WhenAll(log.PumpAsync(process.StandardOutput.BaseStream), log.PumpAsync(process.StandardError.BaseStream));
        return process;
    }

    private static async Task<(int ExitCode, string Output)> ToolAsync(string file, string workDir, CancellationToken ct, params string[] args)
    {
        var log = new BoundedLog(ToolOutputBytes);
        using var process = Start(file, args, log, out var pumps);
        try
        {
            await process.WaitForExitAsync(ct);
            await pumps;
        }
        finally
        {
            if (!process.HasExited) Kill(process);
        }
        _ = workDir;
        return (process.ExitCode, log.ToString());
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static string LastLine(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no output)" : lines[^1];
    }

    /// <summary>runc's own error (<c>level=error msg="..."</c>) from the combined output, else its last line.</summary>
    private static string RuncError(string output)
    {
        var line = output.Split('\n').LastOrDefault(l => l.Contains("level=error", StringComparison.Ordinal));
        if (line is null) return LastLine(output);
        var at = line.IndexOf("msg=\"", StringComparison.Ordinal);
        return at < 0 ? line.Trim() : line[(at + 5)..].TrimEnd().TrimEnd('"').Replace("\\\"", "\"", StringComparison.Ordinal);
    }
}
