using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gatehouse.Analysis.Tests.Images.Smoke;

/// <summary>
/// Small real images for the smoke tests, built once per test class: umoci makes one layer from a rootfs holding Debian's
/// static busybox (sh, sleep, httpd, wget, ...) and a web page; each variant is a new config and manifest over the same
/// layer blob (its own layout folder, blobs shared through a link), so no variant costs another umoci run.
/// </summary>
public sealed class SmokeImages : IDisposable
{
    private const string Busybox = "/bin/busybox";
    private static readonly string[] Applets = ["sh", "sleep", "httpd", "wget", "echo", "cat", "touch", "test", "false", "true", "seq", "ls"];

    public string Root { get; } = Directory.CreateTempSubdirectory("gatehouse-smoke-images-").FullName;
    private string BaseLayout => Path.Combine(Root, "base");
    private readonly Lazy<string?> _built;
    private int _variants;

    public SmokeImages() => _built = new Lazy<string?>(Build);

    /// <summary>Whether images can be built here (umoci and busybox-static present); null when they can, else why not.</summary>
    public string? Unavailable => _built.Value;

    /// <summary>An OCI layout folder whose image runs <paramref name="cmd"/>, with an optional HEALTHCHECK test.</summary>
    public string Variant(string[] cmd, string[]? healthcheck = null)
    {
        if (Unavailable is { } why) throw new InvalidOperationException(why);
        var blobs = Path.Combine(BaseLayout, "blobs", "sha256");
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(BaseLayout, "index.json")))!;
        var manifestDigest = (string)index["manifests"]![0]!["digest"]!;
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(blobs, manifestDigest[7..])))!;
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(blobs, ((string)manifest["config"]!["digest"]!)[7..])))!;
        var c = (config["config"] ??= new JsonObject()).AsObject();
        c["Cmd"] = new JsonArray(cmd.Select(a => (JsonNode)JsonValue.Create(a)).ToArray());
        c.Remove("Entrypoint");
        if (healthcheck is not null)
            c["Healthcheck"] = new JsonObject { ["Test"] = new JsonArray(healthcheck.Select(a => (JsonNode)JsonValue.Create(a)).ToArray()) };
        var (configDigest, configSize) = WriteBlob(blobs, config.ToJsonString());
        manifest["config"]!["digest"] = configDigest;
        manifest["config"]!["size"] = configSize;
        var (digest, size) = WriteBlob(blobs, manifest.ToJsonString());

        var layout = Path.Combine(Root, "v" + Interlocked.Increment(ref _variants));
        Directory.CreateDirectory(layout);
        File.Copy(Path.Combine(BaseLayout, "oci-layout"), Path.Combine(layout, "oci-layout"));
        File.WriteAllText(Path.Combine(layout, "index.json"), new JsonObject
        {
            ["schemaVersion"] = 2,
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                ["digest"] = digest,
                ["size"] = size,
                ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = "latest" },
            }),
        }.ToJsonString());
        File.CreateSymbolicLink(Path.Combine(layout, "blobs"), Path.Combine(BaseLayout, "blobs"));
        return layout;
    }

    /// <summary>The variant as a docker-archive (<c>docker save</c> format), made by skopeo.</summary>
    public string DockerArchive(string layout)
    {
        var path = layout + ".docker.tar";
        Run("skopeo", "--insecure-policy", "copy", "--quiet", $"oci:{layout}:latest", $"docker-archive:{path}:smoke/app:1.0");
        return path;
    }

    private static (string Digest, long Size) WriteBlob(string blobs, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var hex = Convert.ToHexStringLower(SHA256.HashData(bytes));
        File.WriteAllBytes(Path.Combine(blobs, hex), bytes);
        return ("sha256:" + hex, bytes.Length);
    }

    private string? Build()
    {
        if (!File.Exists(Busybox)) return "busybox-static is not installed (/bin/busybox)";
        var rootfs = Path.Combine(Root, "rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
        Directory.CreateDirectory(Path.Combine(rootfs, "www"));
        File.Copy(Busybox, Path.Combine(rootfs, "bin", "busybox"));
        foreach (var applet in Applets) File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
        File.WriteAllText(Path.Combine(rootfs, "www", "index.html"), "ok-from-container\n");
        try
        {
            var bundle = Path.Combine(Root, "build-bundle");
            Run("umoci", "init", "--layout", BaseLayout);
            Run("umoci", "new", "--image", BaseLayout + ":latest");
            Run("umoci", "unpack", "--rootless", "--image", BaseLayout + ":latest", bundle);
            CopyTree(rootfs, Path.Combine(bundle, "rootfs"));
            Run("umoci", "repack", "--image", BaseLayout + ":latest", bundle);
            Directory.Delete(bundle, recursive: true);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return "umoci could not build the test image: " + e.Message;
        }
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            var info = new FileInfo(file);
            if (info.LinkTarget is { } link) File.CreateSymbolicLink(target, link);
            else File.Copy(file, target);
        }
    }

    internal static void Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var err = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)}: exit {p.ExitCode}: {err.Result}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
