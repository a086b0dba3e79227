using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Engines;

/// <summary>
/// The clamd <c>gatehouse engines start</c> runs for one user: its files live in <c>DATA/engines/clamd</c>
/// (<see cref="CliEnvironment.DataDirectory"/>, 0700), it loads the signatures bundled with Gatehouse plus the
/// freshclam database when there is one, listens on a unix socket only its user can open (or on a loopback TCP
/// port), and runs with the configuration the tests use (docs/engines/clamav.md), so that a limit it hits is a
/// finding and never a silent pass. <c>check</c> finds it through the <c>endpoint</c> file it leaves there.
/// </summary>
internal static class LocalClamd
{
    /// <summary>The folder freshclam fills on Debian, Ubuntu, Fedora and Homebrew's Linux layout.</summary>
    public const string FreshclamDatabase = "/var/lib/clamav";

    /// <summary>Unix socket paths are limited to 108 bytes on Linux (<c>sun_path</c>), 104 on macOS.</summary>
    private const int MaxSocketPath = 100;

    private const string ResourcePrefix = "Gatehouse.Rules.ClamAv.";

    /// <summary>Extensions clamd loads from its <c>DatabaseDirectory</c> (ClamAV's signature formats).</summary>
    private static readonly HashSet<string> SignatureExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".cvd", ".cld", ".cud", ".hdb", ".hsb", ".hdu", ".hsu", ".mdb", ".msb", ".mdu", ".msu", ".ndb", ".ndu",
        ".ldb", ".ldu", ".idb", ".cdb", ".crb", ".fp", ".sfp", ".ign", ".ign2", ".ftm", ".pdb", ".gdb", ".wdb",
        ".cbc", ".yar", ".yara", ".imp",
    };

    private static readonly string[] ClamdLocations = ["/usr/sbin/clamd", "/usr/local/sbin/clamd", "/opt/homebrew/sbin/clamd", "/usr/local/bin/clamd"];

    /// <summary>The folder of the user's clamd.</summary>
    public static string Folder(CliEnvironment env) => Path.Combine(env.DataDirectory, "engines", "clamd");

    private static string EndpointFile(CliEnvironment env) => Path.Combine(Folder(env), "endpoint");

    private static string PidFile(CliEnvironment env) => Path.Combine(Folder(env), "clamd.pid");

    /// <summary>The endpoint of the clamd <c>engines start</c> started (it may have stopped since), or null.</summary>
    public static string? ReadEndpoint(CliEnvironment env)
    {
        try
        {
            var text = File.ReadAllText(EndpointFile(env)).Trim();
            return text.Length is > 0 and < 512 ? text : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The names of the signature files bundled with Gatehouse (rules/clamav).</summary>
    public static IReadOnlyList<string> BundledSignatures() =>
        typeof(LocalClamd).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Starts clamd (or finds the one already started) and returns where it listens. Throws <see cref="CliException"/>
    /// when clamd is missing, refuses its configuration or does not answer within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<LocalClamdStart> StartAsync(CliEnvironment env, int? port, string? databaseDirectory,
        TimeSpan timeout, IProgress<string>? progress, CancellationToken ct)
    {
        var folder = Folder(env);
        var running = RunningPid(env);
        if (running is { } pid && ReadEndpoint(env) is { } endpoint
            && await ClamdDiscovery.ProbeAsync(endpoint, env.TimeProvider, ct).ConfigureAwait(false) is null)
            return new LocalClamdStart(endpoint, pid, AlreadyRunning: true, [], []);
        if (running is { } stale) await StopProcessAsync(stale, ct).ConfigureAwait(false);

        var clamd = FindClamd(env)
            ?? throw new CliException(ExitCodes.Usage, CliErrorCodes.EngineMissing,
                "clamd is not installed: apt-get install clamav-daemon (Debian, Ubuntu), dnf install clamd (Fedora, RHEL), "
                + "brew install clamav (macOS); or set GATEHOUSE_CLAMD_BIN to its path");

        CreatePrivateDirectory(env.DataDirectory);
        CreatePrivateDirectory(Path.Combine(env.DataDirectory, "engines"));
        CreatePrivateDirectory(folder);
        var db = Path.Combine(folder, "db");
        var tmp = Path.Combine(folder, "tmp");
        if (Directory.Exists(db)) Directory.Delete(db, recursive: true);
        CreatePrivateDirectory(db);
        CreatePrivateDirectory(tmp);
        File.Delete(EndpointFile(env));

        var bundled = WriteBundledSignatures(db);
        var linked = LinkDatabase(db, databaseDirectory ?? (Directory.Exists(FreshclamDatabase) ? FreshclamDatabase : null), explicitFolder: databaseDirectory is not null);

        var socket = Path.Combine(folder, "clamd.sock");
        string listen;
        string newEndpoint;
        if (port is { } p)
        {
            listen = string.Create(CultureInfo.InvariantCulture, $"TCPSocket {p}\nTCPAddr 127.0.0.1\n");
            newEndpoint = string.Create(CultureInfo.InvariantCulture, $"tcp://127.0.0.1:{p}");
        }
        else
        {
            if (Encoding.UTF8.GetByteCount(socket) > MaxSocketPath)
                throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument,
                    $"the socket path {socket} is too long for a unix socket; use --port, or a shorter GATEHOUSE_DATA_DIR");
            File.Delete(socket);
            listen = $"LocalSocket {socket}\nLocalSocketMode 600\n";
            newEndpoint = "unix:" + socket;
        }

        var config = Path.Combine(folder, "clamd.conf");
        await File.WriteAllTextAsync(config, Configuration(db, tmp, Path.Combine(folder, "clamd.log"), PidFile(env), listen), ct).ConfigureAwait(false);

        progress?.Report($"starting clamd ({clamd}), loading {bundled.Count + linked.Count} signature files");
        // Foreground no: clamd loads its database, opens its socket, forks, and the first process exits 0 only then
        // (or non-zero with the reason on stderr). The daemon points its stdio at /dev/null, so reading to the end returns.
        var start = new ProcessStartInfo(clamd)
        {
            ArgumentList = { "--config-file=" + config },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using (var process = Process.Start(start) ?? throw new CliException(ExitCodes.Incomplete, CliErrorCodes.EngineFailed, $"could not start {clamd}"))
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new CliException(ExitCodes.Incomplete, CliErrorCodes.EngineFailed,
                    $"clamd did not finish loading its database within {timeout.TotalSeconds:0} s (see {Path.Combine(folder, "clamd.log")})");
            }
            if (process.ExitCode != 0)
            {
                var said = (await stderr.ConfigureAwait(false) + await stdout.ConfigureAwait(false)).Trim();
                if (said.Length == 0) said = LogTail(Path.Combine(folder, "clamd.log"));
                throw new CliException(ExitCodes.Incomplete, CliErrorCodes.EngineFailed,
                    string.Create(CultureInfo.InvariantCulture, $"clamd exited {process.ExitCode}: {Terminal.Sanitize(said)}"));
            }
        }

        // The daemon is up once it answers; it normally does at once (the parent waited for it).
        var began = env.TimeProvider.GetTimestamp();
        string? problem;
        while ((problem = await ClamdDiscovery.ProbeAsync(newEndpoint, env.TimeProvider, ct).ConfigureAwait(false)) is not null)
        {
            if (env.TimeProvider.GetElapsedTime(began) > timeout)
                throw new CliException(ExitCodes.Incomplete, CliErrorCodes.EngineFailed, $"clamd started but does not answer at {newEndpoint}: {problem}");
            await Task.Delay(TimeSpan.FromMilliseconds(100), env.TimeProvider, ct).ConfigureAwait(false);
        }

        var endpointFile = EndpointFile(env);
        await File.WriteAllTextAsync(endpointFile + ".tmp", newEndpoint + "\n", ct).ConfigureAwait(false);
        File.Move(endpointFile + ".tmp", endpointFile, overwrite: true);
        return new LocalClamdStart(newEndpoint, RunningPid(env) ?? 0, AlreadyRunning: false, bundled, linked);
    }

    /// <summary>Stops the clamd <c>engines start</c> started; false when none was running.</summary>
    public static async Task<bool> StopAsync(CliEnvironment env, CancellationToken ct)
    {
        var pid = RunningPid(env);
        if (pid is { } p) await StopProcessAsync(p, ct).ConfigureAwait(false);
        File.Delete(EndpointFile(env));
        File.Delete(Path.Combine(Folder(env), "clamd.sock"));
        return pid is not null;
    }

    /// <summary>The PID in clamd.pid when that process is still a clamd (a recycled PID of another program does not count).</summary>
    public static int? RunningPid(CliEnvironment env)
    {
        int pid;
        try
        {
            if (!int.TryParse(File.ReadAllText(PidFile(env)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out pid) || pid <= 1) return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && process.ProcessName == "clamd" ? pid : null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task StopProcessAsync(int pid, CancellationToken ct)
    {
        using var process = Process.GetProcessById(pid);
        // SIGTERM first: clamd removes its socket and pid file (1-2 s, docs/engines/clamav.md); SIGKILL after 15 s.
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
        {
            if (kill is not null) await kill.WaitForExitAsync(ct).ConfigureAwait(false);
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill();
        }
    }

    private static string? FindClamd(CliEnvironment env)
    {
        if (env.GetVariable("GATEHOUSE_CLAMD_BIN") is { } explicitPath) return File.Exists(explicitPath) ? explicitPath : null;
        foreach (var dir in (env.GetVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "clamd");
            if (File.Exists(candidate)) return candidate;
        }
        return ClamdLocations.FirstOrDefault(File.Exists);
    }

    private static List<string> WriteBundledSignatures(string db)
    {
        var written = new List<string>();
        var assembly = typeof(LocalClamd).Assembly;
        foreach (var name in BundledSignatures())
        {
            using var source = assembly.GetManifestResourceStream(ResourcePrefix + name)!;
            using var target = new FileStream(Path.Combine(db, name), FileMode.CreateNew, FileAccess.Write);
            source.CopyTo(target);
            written.Add(name);
        }
        return written;
    }

    /// <summary>Links (not copies: the official database is hundreds of MB) every signature file of <paramref name="source"/> into <paramref name="db"/>.</summary>
    private static List<string> LinkDatabase(string db, string? source, bool explicitFolder)
    {
        var linked = new List<string>();
        if (source is null) return linked;
        if (!Directory.Exists(source))
        {
            if (explicitFolder) throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--database {source}: no such folder");
            return linked;
        }
        foreach (var file in Directory.EnumerateFiles(source).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            var target = Path.Combine(db, name);
            if (!SignatureExtensions.Contains(Path.GetExtension(name)) || File.Exists(target)) continue;
            File.CreateSymbolicLink(target, Path.GetFullPath(file));
            linked.Add(Path.GetFullPath(file));
        }
        if (explicitFolder && linked.Count == 0)
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--database {source}: no ClamAV signature files (*.cvd, *.cld, *.ndb, ...) in it");
        return linked;
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string LogTail(string log)
    {
        try
        {
            var lines = File.ReadAllLines(log);
            return string.Join(" / ", lines.TakeLast(3));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "no output";
        }
    }

    /// <summary>
    /// The tested configuration (docs/engines/clamav.md, the same as eng/scripts/clamd.sh's): clamd must never silently
    /// truncate what the walker hands it, so a limit it hits is a FOUND (AlertExceedsMax). No <c>User</c> line: clamd
    /// runs as the user who started it, who owns the folder.
    /// </summary>
    private static string Configuration(string db, string tmp, string log, string pidFile, string listen) => $"""
        Foreground no
        DatabaseDirectory {db}
        {listen.TrimEnd()}
        PidFile {pidFile}
        TemporaryDirectory {tmp}
        LogFile {log}
        LogTime yes
        StreamMaxLength 100M
        MaxFileSize 100M
        MaxScanSize 400M
        MaxRecursion 16
        MaxFiles 20000
        MaxThreads 4
        MaxQueue 32
        ReadTimeout 60
        CommandReadTimeout 10
        SelfCheck 600
        AlertExceedsMax yes
        AlertEncrypted yes
        AlertBrokenExecutables yes
        HeuristicAlerts yes

        """;
}
