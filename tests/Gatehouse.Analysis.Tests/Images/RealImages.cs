using System.Diagnostics;
using System.IO.Compression;

namespace Gatehouse.Analysis.Tests.Images;

/// <summary>
/// Real images built once per test class with the tools the issue names: umoci (a layout from a rootfs folder with
/// busybox-static, two layers, the second deleting a file), then skopeo to docker-archive and oci-archive, and
/// <c>docker save | gzip</c> imitated with gzip over the docker-archive. About half a second in all.
/// </summary>
public sealed class RealImages : IDisposable
{
    public RealImages()
    {
        Root = Path.Combine(Path.GetTempPath(), "gh-realimg-" + Guid.NewGuid().ToString("N"));
        var rootfs = Path.Combine(Root, "rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
        Directory.CreateDirectory(Path.Combine(rootfs, "app"));
        File.Copy("/bin/busybox", Path.Combine(rootfs, "bin", "busybox"));
        File.WriteAllText(Path.Combine(rootfs, "app", "hello.txt"), "hello\n");
        File.WriteAllText(Path.Combine(rootfs, "app", ".env"), "TOKEN=x\n");
        Layout = Path.Combine(Root, "oci");
        var bundle = Path.Combine(Root, "bundle");
        Run("umoci", "init", "--layout", Layout);
        Run("umoci", "new", "--image", Layout + ":demo");
        var rootless = Environment.UserName == "root" ? [] : new[] { "--rootless" };
        Run("umoci", ["unpack", .. rootless, "--image", Layout + ":demo", bundle]);
        CopyTree(rootfs, Path.Combine(bundle, "rootfs"));
        Run("umoci", ["repack", .. rootless, "--refresh-bundle", "--history.created_by=COPY rootfs /", "--image", Layout + ":demo", bundle]);
        File.Delete(Path.Combine(bundle, "rootfs", "app", ".env"));
        Run("umoci", ["repack", .. rootless, "--refresh-bundle", "--history.created_by=RUN rm /app/.env", "--image", Layout + ":demo", bundle]);
        Run("umoci", "config", "--image", Layout + ":demo", "--config.user", "1000:1000", "--config.label", "org.opencontainers.image.version=1.0",
            "--config.env", "PATH=/bin", "--config.cmd", "/bin/busybox");
        Run("umoci", "gc", "--layout", Layout);
        DockerArchive = Path.Combine(Root, "docker.tar");
        OciArchive = Path.Combine(Root, "oci.tar");
        Run("skopeo", "copy", "--quiet", $"oci:{Layout}:demo", $"docker-archive:{DockerArchive}:demo/app:1.0");
        Run("skopeo", "copy", "--quiet", $"oci:{Layout}:demo", $"oci-archive:{OciArchive}:demo");
        DockerArchiveGz = DockerArchive + ".gz";
        using (var input = File.OpenRead(DockerArchive))
        using (var output = File.Create(DockerArchiveGz))
        using (var gz = new GZipStream(output, CompressionLevel.Fastest))
            input.CopyTo(gz);
    }

    public string Root { get; }
    public string Layout { get; }
    public string DockerArchive { get; }
    public string DockerArchiveGz { get; }
    public string OciArchive { get; }

    public static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"{file} {string.Join(' ', args)} timed out"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}{stdout.Result}");
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
