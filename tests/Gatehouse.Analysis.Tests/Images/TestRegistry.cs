using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gatehouse.Analysis.Tests.Images;

/// <summary>
/// The real registry (Debian's docker-registry) on 127.0.0.1 and a free port, with the umoci image pushed by skopeo as
/// demo/app:1.0 and a generated two-platform index as demo/multi:1. Started once per test class, killed on dispose.
/// </summary>
public sealed class TestRegistry : IDisposable
{
    private readonly Process _process;

    public TestRegistry()
    {
        Images = new RealImages();
        var port = FreePort();
        Host = $"127.0.0.1:{port}";
        var data = Path.Combine(Images.Root, "regdata");
        var config = Path.Combine(Images.Root, "registry.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log: {"{"} level: error {"}"}
            storage:
              filesystem: {"{"} rootdirectory: {data} {"}"}
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
        WaitUntilUp();
        RealImages.Run("skopeo", "copy", "--quiet", "--dest-tls-verify=false", $"oci:{Images.Layout}:demo", $"docker://{Host}/demo/app:1.0");

        Multi = new TestLayout();
        Amd64 = Multi.AddImage("linux/amd64", [TestLayout.LayerTar(false, ("etc/amd", "amd"))], writeIndex: false)["digest"]!.GetValue<string>();
        Arm64 = Multi.AddImage("linux/arm64/v8", [TestLayout.LayerTar(false, ("etc/arm", "arm"))], writeIndex: false)["digest"]!.GetValue<string>();
        var index = TestLayout.IndexJson(
            TestLayout.Descriptor("application/vnd.oci.image.manifest.v1+json", Multi.Files["blobs/sha256/" + Amd64[7..]], "linux/amd64"),
            TestLayout.Descriptor("application/vnd.oci.image.manifest.v1+json", Multi.Files["blobs/sha256/" + Arm64[7..]], "linux/arm64/v8"));
        var indexBytes = TestLayout.Json(index);
        Multi.AddBlob(indexBytes);
        var top = TestLayout.Descriptor("application/vnd.oci.image.index.v1+json", indexBytes);
        top["annotations"] = new System.Text.Json.Nodes.JsonObject { ["org.opencontainers.image.ref.name"] = "multi" };
        Multi.SetIndex(TestLayout.IndexJson(top));
        var multiDir = Multi.WriteFolder(Path.Combine(Images.Root, "multi"));
        RealImages.Run("skopeo", "copy", "--quiet", "--all", "--dest-tls-verify=false", $"oci:{multiDir}:multi", $"docker://{Host}/demo/multi:1");
    }

    public RealImages Images { get; }
    public string Host { get; }
    internal TestLayout Multi { get; }
    public string Amd64 { get; }
    public string Arm64 { get; }

    private void WaitUntilUp()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var r = http.GetAsync($"http://{Host}/v2/").GetAwaiter().GetResult();
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            if (_process.HasExited) throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode}");
            Thread.Sleep(50);
        }
        throw new TimeoutException("docker-registry did not start");
    }

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _process.Dispose();
            Images.Dispose();
        }
    }
}
