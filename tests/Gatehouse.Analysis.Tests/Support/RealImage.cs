using System.Diagnostics;

namespace Gatehouse.Analysis.Tests.Support;

/// <summary>
/// A real image built with the tools the issue names, from rootfs folders edited in the test: <c>umoci init/new/unpack</c>, then
/// one <c>umoci repack --refresh-bundle</c> per layer (a deleted file becomes a whiteout), <c>umoci config</c>, and
/// <c>skopeo copy</c> to docker-archive and oci-archive on demand (anchors-containers.md §5.2, §5.3). The first layer holds a static
/// busybox (<c>/bin/busybox</c>, <c>/bin/sh</c>) unless told otherwise, so the image can run. A few hundred milliseconds per image.
/// <code>
/// using var image = RealImage.Build(b => b
///     .Layer("COPY app /app", fs => fs.Write("app/.env", "AWS_SECRET_ACCESS_KEY=..."))
///     .Layer("RUN rm /app/.env", fs => fs.Delete("app/.env"))
///     .Config("--config.user", "1000:1000"));
/// scan(image.DockerArchive); scan(image.OciArchive); scan(image.Layout);
/// </code>
/// Needs umoci, skopeo and busybox-static (test.sh installs them).
/// </summary>
public sealed class RealImage : IDisposable
{
    private string? _docker;
    private string? _oci;

    private RealImage(string root, string layout, string tag)
    {
        Root = root;
        Layout = layout;
        Tag = tag;
    }

    /// <summary>The scratch folder holding everything (removed by <see cref="Dispose"/>).</summary>
    public string Root { get; }

    /// <summary>The OCI image layout folder.</summary>
    public string Layout { get; }

    /// <summary>The tag in the layout (<c>oci:{Layout}:{Tag}</c>).</summary>
    public string Tag { get; }

    /// <summary>The image as a docker-archive (<c>docker save</c> format: plain layer tars), made on first use.</summary>
    public string DockerArchive => _docker ??= Copy("docker-archive", "docker.tar", ":demo/app:1.0");

    /// <summary>The image as an OCI layout tar (<c>oci-archive</c>), made on first use.</summary>
    public string OciArchive => _oci ??= Copy("oci-archive", "oci.tar", ":" + Tag);

    /// <summary>Builds the image <paramref name="spec"/> describes.</summary>
    public static RealImage Build(Action<Spec> spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var s = new Spec();
        spec(s);
        var root = Path.Combine(Path.GetTempPath(), "gh-image-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var image = new RealImage(root, Path.Combine(root, "oci"), "demo");
        try
        {
            var bundle = Path.Combine(root, "bundle");
            var rootless = Environment.UserName == "root" ? Array.Empty<string>() : ["--rootless"];
            Run("umoci", "init", "--layout", image.Layout);
            Run("umoci", "new", "--image", image.Layout + ":" + image.Tag);
            Run("umoci", ["unpack", .. rootless, "--image", image.Layout + ":" + image.Tag, bundle]);
            var fs = new Rootfs(Path.Combine(bundle, "rootfs"));
            var layers = s.Layers.ToList();
            if (s.WithBusybox) layers.Insert(0, ("COPY busybox /bin/", f => f.Busybox()));
            foreach (var (createdBy, edit) in layers)
            {
                edit(fs);
                Run("umoci", ["repack", .. rootless, "--refresh-bundle", "--history.created_by=" + createdBy, "--image", image.Layout + ":" + image.Tag, bundle]);
            }
            if (s.ConfigArgs.Count > 0) Run("umoci", ["config", "--image", image.Layout + ":" + image.Tag, .. s.ConfigArgs]);
            Run("umoci", "gc", "--layout", image.Layout);
            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    private string Copy(string transport, string file, string suffix)
    {
        var path = Path.Combine(Root, file);
        Run("skopeo", "copy", "--quiet", $"oci:{Layout}:{Tag}", $"{transport}:{path}{suffix}");
        return path;
    }

    /// <summary>Runs a tool, failing the test with its output when it fails.</summary>
    public static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} timed out");
        }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}{stdout.Result}");
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
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>What to build: layers (each an edit of the rootfs) and <c>umoci config</c> arguments.</summary>
    public sealed class Spec
    {
        internal List<(string CreatedBy, Action<Rootfs> Edit)> Layers { get; } = [];
        internal List<string> ConfigArgs { get; } = [];
        internal bool WithBusybox { get; private set; } = true;

        /// <summary>A layer: the changes <paramref name="edit"/> makes to the rootfs (history <c>created_by</c> = <paramref name="createdBy"/>).</summary>
        public Spec Layer(string createdBy, Action<Rootfs> edit)
        {
            Layers.Add((createdBy, edit));
            return this;
        }

        /// <summary><c>umoci config</c> arguments (<c>--config.user</c>, <c>--config.env</c>, <c>--config.label</c>, <c>--config.cmd</c>, ...).</summary>
        public Spec Config(params string[] args)
        {
            ConfigArgs.AddRange(args);
            return this;
        }

        /// <summary>No busybox layer at the bottom.</summary>
        public Spec WithoutBusybox()
        {
            WithBusybox = false;
            return this;
        }
    }

    /// <summary>The bundle's rootfs, edited between repacks. Paths are relative to the image root.</summary>
    public sealed class Rootfs(string root)
    {
        public string Root { get; } = root;

        public Rootfs Write(string path, string text, UnixFileMode? mode = null)
        {
            var full = Full(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
            if (mode is { } m) File.SetUnixFileMode(full, m);
            return this;
        }

        public Rootfs Delete(string path)
        {
            var full = Full(path);
            if (Directory.Exists(full)) Directory.Delete(full, recursive: true);
            else File.Delete(full);
            return this;
        }

        public Rootfs Mkdir(string path, UnixFileMode? mode = null)
        {
            var full = Full(path);
            Directory.CreateDirectory(full);
            if (mode is { } m) File.SetUnixFileMode(full, m);
            return this;
        }

        public Rootfs Symlink(string path, string target)
        {
            var full = Full(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.CreateSymbolicLink(full, target);
            return this;
        }

        /// <summary>The host's static busybox as <c>/bin/busybox</c>, with <c>/bin/sh</c> linking to it.</summary>
        public Rootfs Busybox()
        {
            Directory.CreateDirectory(Full("bin"));
            File.Copy("/bin/busybox", Full("bin/busybox"), overwrite: true);
            return Symlink("bin/sh", "busybox");
        }

        private string Full(string path) => Path.Combine(Root, path.TrimStart('/'));
    }
}
