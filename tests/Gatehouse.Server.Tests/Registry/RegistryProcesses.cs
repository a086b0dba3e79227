using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gatehouse.Server.Tests.Registry;

/// <summary>
/// The real tools of the registry tests: Debian's docker-registry (one per test class, on a free 127.0.0.1 port, token
/// authentication pointing at the test's Gatehouse), skopeo, and umoci to build a small image from busybox.
/// </summary>
internal static class RegistryProcesses
{
    public sealed record Run(int ExitCode, string Out, string Err);

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Runs a tool to its end (bounded by <paramref name="timeout"/>, default 60 s) and returns its output.</summary>
    public static async Task<Run> RunAsync(string file, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }
        return new Run(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// An OCI image layout tar with one layer (busybox as <c>/bin/busybox</c>), built with umoci; returns the tar's path and
    /// its manifest digest.
    /// </summary>
    public static async Task<(string Tar, string ManifestDigest)> BuildImageAsync(string dir)
    {
        var layout = Path.Combine(dir, "layout");
        var bundle = Path.Combine(dir, "bundle");
        async Task Umoci(params string[] args)
        {
            var r = await RunAsync("umoci", args);
            Assert.True(r.ExitCode == 0, $"umoci {string.Join(' ', args)}: {r.Err}");
        }
        await Umoci("init", "--layout", layout);
        await Umoci("new", "--image", layout + ":1.0.0");
        await Umoci("unpack", "--image", layout + ":1.0.0", bundle);
        Directory.CreateDirectory(Path.Combine(bundle, "rootfs", "bin"));
        File.Copy("/bin/busybox", Path.Combine(bundle, "rootfs", "bin", "busybox"));
        await Umoci("repack", "--image", layout + ":1.0.0", bundle);
        await Umoci("config", "--image", layout + ":1.0.0", "--config.user", "65534:65534", "--config.cmd", "/bin/busybox");
        await Umoci("gc", "--layout", layout);
        var tar = Path.Combine(dir, "image.tar");
        var t = await RunAsync("tar", ["-C", layout, "-cf", tar, "oci-layout", "index.json", "blobs"]);
        Assert.True(t.ExitCode == 0, t.Err);
        using var index = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "index.json")));
        return (tar, index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!);
    }

    /// <summary>Starts docker-registry on <paramref name="port"/> with token auth (realm, service, issuer, certificate) and waits until it answers.</summary>
    public static async Task<Process> StartRegistryAsync(string dir, int port, string realm, string service, string issuer, string certificate)
    {
        var config = Path.Combine(dir, "config.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Path.Combine(dir, "data")}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            auth:
              token:
                realm: {realm}
                service: {service}
                issuer: {issuer}
                rootcertbundle: {certificate}
            """);
        var psi = new ProcessStartInfo("docker-registry") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add(config);
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var r = await http.GetAsync($"http://127.0.0.1:{port}/v2/");
                if (r.StatusCode == HttpStatusCode.Unauthorized) return p;
            }
            catch (HttpRequestException) { }
            if (p.HasExited) throw new InvalidOperationException("docker-registry exited: " + p.ExitCode);
            await Task.Delay(50);
        }
        p.Kill(entireProcessTree: true);
        throw new TimeoutException("docker-registry did not start");
    }
}
