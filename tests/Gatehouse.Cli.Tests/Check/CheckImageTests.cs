using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Images;

namespace Gatehouse.Cli.Tests.Check;

/// <summary>
/// <c>gatehouse check</c> on container images: a layout folder (packed deterministically), an image tar, a reference
/// pulled from the real docker-registry on loopback, and the usage errors around them. The scans run with
/// <c>--clamd off</c>: what is tested is the input (artifact name, SHA-256, type), not the engines.
/// </summary>
public sealed class CheckImageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-checkimg-").FullName;
    private readonly string _layout;

    public CheckImageTests() => _layout = WriteLayout(Path.Combine(_dir, "my-layout"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Code, string Out, string Err)> RunWith(Dictionary<string, string>? variables, string? stdin, params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        var env = new CliEnvironment
        {
            Out = o, Err = e, ConfigDirectory = Path.Combine(_dir, "config"), In = new StringReader(stdin ?? ""),
            Variables = variables ?? new Dictionary<string, string>(),
        };
        var code = await CliApp.RunAsync(args, env);
        return (code, o.ToString(), e.ToString());
    }

    private Task<(int Code, string Out, string Err)> Run(params string[] args) => RunWith(null, null, args);

    private static JsonElement Artifact(string json) => JsonDocument.Parse(json).RootElement.GetProperty("artifact");

    /// <summary>A one-layer OCI layout named <c>demo</c>, written with a file of its own that packing must leave out.</summary>
    private static string WriteLayout(string dir)
    {
        using var layer = new MemoryStream();
        using (var w = new TarWriter(layer, TarEntryFormat.Pax, leaveOpen: true))
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "etc/motd") { DataStream = new MemoryStream("hello\n"u8.ToArray()) });
        var tar = layer.ToArray();
        using var gzStream = new MemoryStream();
        using (var gz = new GZipStream(gzStream, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(tar);
        var gzBytes = gzStream.ToArray();
        var config = Encoding.UTF8.GetBytes($$$"""{"os":"linux","architecture":"amd64","config":{"User":"1000"},"rootfs":{"type":"layers","diff_ids":["{{{D(tar)}}}"]}}""");
        var manifest = Encoding.UTF8.GetBytes($$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{D(config)}}}","size":{{{config.Length}}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{{D(gzBytes)}}}","size":{{{gzBytes.Length}}}}]}""");
        var index = $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{D(manifest)}}}","size":{{{manifest.Length}}},"annotations":{"org.opencontainers.image.ref.name":"demo"}}]}""";
        Directory.CreateDirectory(Path.Combine(dir, "blobs", "sha256"));
        foreach (var blob in new[] { gzBytes, config, manifest }) File.WriteAllBytes(Path.Combine(dir, "blobs", "sha256", D(blob)[7..]), blob);
        File.WriteAllText(Path.Combine(dir, "index.json"), index);
        File.WriteAllText(Path.Combine(dir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not part of the image");
        return dir;
    }

    private static string D(byte[] b) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(b));

    [Fact]
    public async Task A_layout_folder_is_packed_deterministically_and_checked_as_a_container()
    {
        var first = await Run("check", _layout, "--clamd", "off", "--format", "json");
        File.SetLastWriteTimeUtc(Path.Combine(_layout, "index.json"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var second = await Run("check", _layout, "--clamd", "off", "--format", "json");
        var a = Artifact(first.Out);
        Assert.Equal("my-layout", a.GetProperty("name").GetString());
        Assert.Equal("container", a.GetProperty("type").GetString());
        Assert.Equal(a.GetProperty("sha256").GetString(), Artifact(second.Out).GetProperty("sha256").GetString());
        // The packed tar is what ImageArchive.PackLayout writes, readable as an image, without notes.txt.
        var packed = Path.Combine(_dir, "packed.tar");
        ImageArchive.PackLayout(_layout, packed, ImagePolicy.Default);
        Assert.Equal(a.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(packed))));
        using var image = ImageArchive.Open(packed, ImagePolicy.Default);
        Assert.Equal("demo", image.Image.Reference);
        Assert.DoesNotContain("notes.txt", Encoding.ASCII.GetString(File.ReadAllBytes(packed)));
    }

    [Fact]
    public async Task An_image_tar_implies_container_and_an_explicit_type_wins()
    {
        var tar = Path.Combine(_dir, "image.tar");
        ImageArchive.PackLayout(_layout, tar, ImagePolicy.Default);
        var implied = await Run("check", tar, "--clamd", "off", "--format", "json");
        Assert.Equal("container", Artifact(implied.Out).GetProperty("type").GetString());
        Assert.Equal("image.tar", Artifact(implied.Out).GetProperty("name").GetString());
        var explicitType = await Run("check", tar, "--clamd", "off", "--format", "json", "--type", "downloadable");
        Assert.Equal("downloadable", Artifact(explicitType.Out).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Inputs_that_are_not_images_are_usage_errors()
    {
        var text = Path.Combine(_dir, "a.txt");
        File.WriteAllText(text, "x");
        var r = await Run("check", text, "--type", "container", "--clamd", "off");
        Assert.Equal(2, r.Code);
        Assert.Contains("cli.invalid-argument", r.Err);
        Assert.Equal(2, (await Run("check", Directory.CreateDirectory(Path.Combine(_dir, "plain")).FullName, "--clamd", "off")).Code);
        Assert.Equal(2, (await Run("check", "team/app:1.0", "--clamd", "off")).Code); // no registry: not a reference here
        Assert.Equal(2, (await Run("check", _layout, "--platform", "linux", "--clamd", "off")).Code);
        Assert.Equal(2, (await Run("check", "127.0.0.1:1/a/b:1", "--registry-user", "u", "--clamd", "off")).Code); // no password
    }

    [Fact]
    public async Task A_reference_is_pulled_from_the_registry_and_failures_have_stable_codes()
    {
        using var registry = LoopbackRegistry.Start(_dir);
        Exec("skopeo", "copy", "--quiet", "--dest-tls-verify=false", $"oci:{_layout}:demo", $"docker://{registry.Host}/team/app:1.0");
        var r = await Run("check", $"{registry.Host}/team/app:1.0", "--insecure-registry", "--clamd", "off", "--format", "json");
        var a = Artifact(r.Out);
        Assert.Equal($"{registry.Host}/team/app:1.0", a.GetProperty("name").GetString());
        Assert.Equal("container", a.GetProperty("type").GetString());
        Assert.Contains("pull: ", r.Err);

        var missing = await Run("check", $"docker://{registry.Host}/team/app:9", "--insecure-registry", "--clamd", "off");
        Assert.Equal(3, missing.Code);
        Assert.Contains("registry.not-found", missing.Err);
        var wrongPlatform = await Run("check", $"{registry.Host}/team/app:1.0", "--insecure-registry", "--platform", "linux/arm64", "--clamd", "off");
        Assert.Equal(3, wrongPlatform.Code);
        Assert.Contains("image.platform-missing", wrongPlatform.Err);
        // The registry serves no credentials check, but the password never shows in output either way.
        var withUser = await RunWith(null, "pa55-from-stdin\n", "check", $"{registry.Host}/team/app:9", "--insecure-registry", "--registry-user", "ci",
            "--registry-password-stdin", "--clamd", "off");
        Assert.Equal(3, withUser.Code);
        Assert.DoesNotContain("pa55-from-stdin", withUser.Err + withUser.Out);
    }

    private static void Exec(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed: {err.Result}");
    }

    /// <summary>Debian's docker-registry on 127.0.0.1 and a free port, killed on dispose.</summary>
    private sealed class LoopbackRegistry : IDisposable
    {
        private readonly Process _process;

        private LoopbackRegistry(Process process, string host)
        {
            _process = process;
            Host = host;
        }

        public string Host { get; }

        public static LoopbackRegistry Start(string dir)
        {
            int port;
            using (var l = new TcpListener(IPAddress.Loopback, 0))
            {
                l.Start();
                port = ((IPEndPoint)l.LocalEndpoint).Port;
            }
            var host = $"127.0.0.1:{port}";
            var config = Path.Combine(dir, "registry.yml");
            File.WriteAllText(config, $"version: 0.1\nlog: {{ level: error }}\nstorage:\n  filesystem: {{ rootdirectory: {Path.Combine(dir, "regdata")} }}\nhttp:\n  addr: {host}\n");
            var psi = new ProcessStartInfo("docker-registry") { RedirectStandardError = true, RedirectStandardOutput = true };
            psi.ArgumentList.Add("serve");
            psi.ArgumentList.Add(config);
            var process = Process.Start(psi)!;
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            var registry = new LoopbackRegistry(process, host);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    if (http.GetAsync($"http://{host}/v2/").GetAwaiter().GetResult().IsSuccessStatusCode) return registry;
                }
                catch (HttpRequestException) { }
                Thread.Sleep(50);
            }
            registry.Dispose();
            throw new TimeoutException("docker-registry did not start");
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
            _process.Dispose();
        }
    }
}
