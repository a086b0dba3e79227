using System.Diagnostics;

namespace Gatehouse.Server.Tests.Images;

/// <summary>
/// A small real image built in the test, offline, with the tools the issue names (about half a second): umoci makes an OCI
/// layout from a rootfs folder holding busybox-static (one layer, a user, a label, a command), skopeo turns it into a
/// docker-archive (<c>docker save</c>'s format).
/// </summary>
internal sealed class TestImages : IDisposable
{
    public TestImages()
    {
        Root = Path.Combine(Path.GetTempPath(), "gh-srvimg-" + Guid.NewGuid().ToString("N"));
        Layout = Path.Combine(Root, "oci");
        var bundle = Path.Combine(Root, "bundle");
        Run("umoci", "init", "--layout", Layout);
        Run("umoci", "new", "--image", Layout + ":demo");
        var rootless = Environment.UserName == "root" ? [] : new[] { "--rootless" };
        Run("umoci", ["unpack", .. rootless, "--image", Layout + ":demo", bundle]);
        Directory.CreateDirectory(Path.Combine(bundle, "rootfs", "bin"));
        File.Copy("/bin/busybox", Path.Combine(bundle, "rootfs", "bin", "busybox"));
        Run("umoci", ["repack", .. rootless, "--refresh-bundle", "--history.created_by=COPY busybox /bin/", "--image", Layout + ":demo", bundle]);
        Run("umoci", "config", "--image", Layout + ":demo", "--config.user", "1000:1000", "--config.label", "org.opencontainers.image.version=1.0",
            "--config.cmd", "/bin/busybox", "--config.cmd", "sleep", "--config.cmd", "3600");
        Run("umoci", "gc", "--layout", Layout);
        DockerArchive = Path.Combine(Root, "app.tar");
        Run("skopeo", "copy", "--quiet", $"oci:{Layout}:demo", $"docker-archive:{DockerArchive}:team/app:1.0");
    }

    public string Root { get; }
    public string Layout { get; }
    public string DockerArchive { get; }

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

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
