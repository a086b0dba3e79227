using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gatehouse.Server.Tests.Images;

/// <summary>
/// A real registry (Debian's docker-registry) on 127.0.0.1 and the given port, anonymous, with <paramref name="layout"/>'s
/// image pushed by skopeo as <c>team/app:1.0</c>. Killed on dispose.
/// </summary>
internal sealed class TestRegistry : IDisposable
{
    private readonly Process _process;

    public TestRegistry(string root, string layout, int port)
    {
        Host = $"127.0.0.1:{port}";
        var config = Path.Combine(root, "registry.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log: {"{"} level: error {"}"}
            storage:
              filesystem: {"{"} rootdirectory: {Path.Combine(root, "regdata")} {"}"}
            http:
              addr: {Host}
            """);
        var psi = new ProcessStartInfo("docker-registry") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add(config);
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        for (var i = 0; ; i++)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (i < 100)
            {
                Thread.Sleep(50);
            }
        }
        TestImages.Run("skopeo", "copy", "--quiet", "--dest-tls-verify=false", $"oci:{layout}:demo", $"docker://{Host}/team/app:1.0");
    }

    public string Host { get; }

    /// <summary>A port free now (the registry binds it a moment later; the test server's settings name it first).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try { _process.Kill(entireProcessTree: true); _process.WaitForExit(5000); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
