using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gatehouse.Server.Tests.Support;

/// <summary>
/// The real server as a process of its own: <c>dotnet Gatehouse.Server.dll</c> from the server's build output (the
/// configuration the tests were built in), configured only through environment variables, listening on 127.0.0.1 at a
/// free port. <see cref="KillAsync"/> sends SIGKILL, as an OOM kill or a power cut would: no shutdown code runs.
/// Disposing kills it too, so a failing test leaves no server behind.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int LogLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _log = new();
    private bool _disposed;

    /// <summary>Where the server listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The operating system's process id.</summary>
    public int Id => _process.Id;

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary>The server's entry assembly in its own build output: <c>src/Gatehouse.Server/bin/{Release|Debug}/net10.0</c>.</summary>
    public static string ServerAssembly()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gatehouse.slnx"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("repository root (Gatehouse.slnx) not found above " + AppContext.BaseDirectory);
        // The tests run from tests/X/bin/{Configuration}/{tfm}/: the server was built in the same configuration.
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(dir.FullName, "src", "Gatehouse.Server", "bin", tfm.Parent!.Name, tfm.Name, "Gatehouse.Server.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("the server is not built (dotnet build Gatehouse.slnx -c Release)", path);
    }

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts the server with <paramref name="settings"/> (configuration keys such as <c>Jobs:Lease</c>, passed as
    /// <c>Jobs__Lease</c>, or plain variables such as <c>TMPDIR</c>) and waits until <c>/healthz</c> answers.
    /// Configuration variables of the test process itself (<c>X__Y</c>, <c>GATEHOUSE_DATA</c>, ...) are not passed on.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var dll = ServerAssembly();
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (var key in psi.Environment.Keys.ToList())
            if (key.Contains("__", StringComparison.Ordinal) || key.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
                || key is "GATEHOUSE_DATA" or "GATEHOUSE_URLS" or "GATEHOUSE_ADMIN_PASSWORD")
                psi.Environment.Remove(key);
        psi.Environment["ASPNETCORE_URLS"] = url;
        // No diagnostics IPC socket in the temp folder: the crash test inspects that folder.
        psi.Environment["DOTNET_EnableDiagnostics"] = "0";
        // A short-lived process started several times per test: no profile-guided re-JIT (its instrumentation costs CPU
        // the rest of the suite needs) and workstation GC (one heap, no per-core GC threads on a 2-core machine).
        psi.Environment["DOTNET_TieredPGO"] = "0";
        psi.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in settings)
            psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var server = new ServerProcess(process, new Uri(url + "/"));
        process.OutputDataReceived += (_, e) => server.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
        if (!process.Start()) throw new InvalidOperationException("dotnet did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitAliveAsync(timeout ?? TimeSpan.FromSeconds(60));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WaitAliveAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"the server exited with status {_process.ExitCode} before it served:\n{Log()}");
            try
            {
                using var r = await http.GetAsync("healthz");
                if (r.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the server did not answer /healthz within {timeout.TotalSeconds:0} s:\n{Log()}");
    }

    /// <summary>SIGKILL (<see cref="Process.Kill(bool)"/> on Linux), the whole process tree; returns once it is gone.</summary>
    public async Task KillAsync()
    {
        if (_disposed) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { } // exited meanwhile
        await _process.WaitForExitAsync();
    }

    /// <summary>The server's last lines of output (standard output and error), for a failure message.</summary>
    public string Log()
    {
        lock (_log) return string.Join('\n', _log);
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            _log.Enqueue(line);
            while (_log.Count > LogLines) _log.Dequeue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        if (_disposed) return;
        _disposed = true;
        _process.Dispose();
    }
}
