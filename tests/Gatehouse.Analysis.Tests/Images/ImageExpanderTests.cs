using System.Text;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Analyzers.Dependencies;
using Gatehouse.Analysis.Analyzers.Secrets;
using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Tests.Analyzers.Secrets;
using Gatehouse.Analysis.Tests.Support;
using Gatehouse.Analysis.Verdicts;
using static Gatehouse.Analysis.Tests.Artifacts.ArchiveSamples;

namespace Gatehouse.Analysis.Tests.Images;

/// <summary>
/// The image expander in a real pipeline (issue 17): every layer walked with the archive rules, member paths naming the
/// layer, layer entries recorded, packages of the final filesystem with the layer that introduced them. Images are built in
/// code (<see cref="TestImage"/>).
/// </summary>
public sealed class ImageExpanderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-image-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly Policy NoEngines = Policy.Default with { RequiredEngines = [] };

    internal const string DebianOsRelease = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n";

    internal static string Dpkg(params (string Name, string Version)[] packages) =>
        string.Concat(packages.Select(p => $"Package: {p.Name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: {p.Version}\n\n"));

    /// <summary>Keeps what the artifact analyzers see of the image once the walk is over.</summary>
    private sealed class FactsProbe : IArtifactAnalyzer
    {
        public ImageFacts? Facts { get; private set; }
        public string Id => "test.facts";
        public string Version => "1";
        public IReadOnlyList<RuleDescriptor> Rules => [];

        public ValueTask AnalyzeAsync(ScanFile artifact, AnalysisContext context, CancellationToken ct)
        {
            Facts = context.Image;
            return ValueTask.CompletedTask;
        }
    }

    private async Task<(ScanReport Report, ImageFacts Facts)> Scan(string path, string name = "app.tar", string type = "container", Policy? policy = null)
    {
        policy ??= NoEngines;
        var probe = new FactsProbe();
        var settings = new EngineSettings { TempDirectory = Path.Combine(_dir, "scratch") };
        var pipeline = new ScanPipeline([new DependenciesAnalyzer(), new SecretsAnalyzer(), probe],
            AnalyzerCatalog.CreateExpander(settings, policy, TimeProvider.System), policy, TimeProvider.System)
        {
            TempDirectory = settings.TempDirectory,
        };
        var report = await pipeline.ScanAsync(path, name, type, null, CancellationToken.None);
        return (report, probe.Facts!);
    }

    private string PathFor(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task A_secret_added_in_one_layer_and_deleted_in_the_next_is_reported_with_the_digest_of_the_layer_that_has_it()
    {
        var image = new TestImage();
        image.Layer().Dir("app").File("app/hello.txt", "hello\n");
        image.Layer().File("app/deploy.pem", TestKeys.RsaPkcs1 + "\n");
        image.Layer().Whiteout("app/deploy.pem");

        var (report, facts) = await Scan(image.WriteOciArchive(PathFor("oci.tar")));

        var secret = Assert.Single(report.Findings, f => f.RuleId == "secret.private-key");
        Assert.Equal($"app.tar!/{image.DiffIds[1]}!/app/deploy.pem", secret.Path);
        Assert.Equal(Verdict.Reject, report.Verdict);
        Assert.Null(ImageFilesystem.Merge(facts.Entries).Get("app/deploy.pem"));
        Assert.NotNull(ImageFilesystem.Merge(facts.Entries).Get("app/hello.txt"));
        Assert.Equal(image.DiffIds.Select(d => "app.tar!/" + d), facts.LayerPaths.Select(p => p.Replace("\u2060artifact.tar", "app.tar", StringComparison.Ordinal)));
        Assert.NotNull(report.Image);
        Assert.Equal(3, report.Image!.Layers.Count);
        Assert.Equal("ok", report.Analyzers.Single(a => a.Id == "image").Status);
        Assert.DoesNotContain(report.Findings, f => f.RuleId.StartsWith("archive.", StringComparison.Ordinal) || f.RuleId.StartsWith("image.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_docker_archive_and_an_oci_layout_of_the_same_image_give_the_same_findings_and_packages()
    {
        var image = new TestImage();
        image.Layer().File("etc/os-release", DebianOsRelease).File("var/lib/dpkg/status", Dpkg(("libssl3", "3.0.15-1~deb12u1")));
        image.Layer().File("app/.env", "KEY=1\n" + TestKeys.RsaPkcs1);

        var docker = await Scan(image.WriteDockerArchive(PathFor("docker.tar")));
        var oci = await Scan(image.WriteOciArchive(PathFor("oci.tar")));
        var folder = await Scan(image.WriteOciLayout(PathFor("layout")), name: "layout");

        Assert.NotEmpty(docker.Report.Findings);
        Assert.Equal(docker.Report.Findings.Select(f => (f.RuleId, f.Path, f.Fingerprint)), oci.Report.Findings.Select(f => (f.RuleId, f.Path, f.Fingerprint)));
        Assert.Equal(docker.Report.Packages, oci.Report.Packages);
        Assert.Equal(docker.Report.Findings.Select(f => (f.RuleId, f.Path.Replace("app.tar", "layout", StringComparison.Ordinal))), folder.Report.Findings.Select(f => (f.RuleId, f.Path)));
        Assert.Equal("docker-archive", docker.Report.Image!.Format);
        Assert.Equal("oci-layout", oci.Report.Image!.Format);
        Assert.Equal("inode/directory", folder.Report.Artifact.DetectedType);
    }

    [Fact]
    public async Task Packages_are_those_of_the_final_filesystem_each_naming_the_layer_that_introduced_it()
    {
        var image = new TestImage();
        image.Layer().File("usr/lib/os-release", DebianOsRelease);
        image.Layer().File("var/lib/dpkg/status", Dpkg(("libssl3", "3.0.15-1~deb12u1"), ("perl-base", "5.36.0-7")));
        // apt rewrites the status file: libssl3 stays, perl-base is removed, curl is added.
        image.Layer().File("var/lib/dpkg/status", Dpkg(("libssl3", "3.0.15-1~deb12u1"), ("curl", "7.88.1-10")));

        var (report, _) = await Scan(image.WriteOciArchive(PathFor("oci.tar")));

        Assert.Equal(["pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12", "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12"],
            report.Packages.Select(p => p.Purl.ToString()));
        Assert.All(report.Packages, p => Assert.Equal("app.tar!/var/lib/dpkg/status", p.DeclaredIn));
        Assert.Equal(image.DiffIds[2], report.Packages.Single(p => p.Name == "curl").Layer);
        Assert.Equal(image.DiffIds[1], report.Packages.Single(p => p.Name == "libssl3").Layer);
        Assert.All(report.Packages, p => Assert.Equal("Debian:12", p.Ecosystem));
    }

    [Fact]
    public async Task A_package_database_a_later_layer_deletes_declares_nothing_and_a_jar_in_a_layer_is_opened()
    {
        var jar = Zip(("META-INF/maven/org.example/lib/pom.properties", Utf8("artifactId=lib\ngroupId=org.example\nversion=1.2.3\n")));
        var image = new TestImage();
        image.Layer().File("var/lib/dpkg/status", Dpkg(("libssl3", "3.0.15-1~deb12u1"))).File("app/lib/lib.jar", jar);
        image.Layer().Whiteout("var/lib/dpkg/status");

        var (report, _) = await Scan(image.WriteOciArchive(PathFor("oci.tar")));

        var package = Assert.Single(report.Packages);
        Assert.Equal("pkg:maven/org.example/lib@1.2.3", package.Purl.ToString());
        Assert.Equal("app.tar!/app/lib/lib.jar!/META-INF/maven/org.example/lib/pom.properties", package.DeclaredIn);
        Assert.Equal(image.DiffIds[0], package.Layer);
    }

    [Fact]
    public async Task Layer_entries_keep_type_mode_owner_and_link_and_small_system_files_are_captured()
    {
        var image = new TestImage();
        image.Layer().Dir("usr/bin").File("usr/bin/su", "ELF", mode: 0b100_111_101_101, uid: 0, gid: 0)
            .Dir("tmp", mode: 0b001_111_111_111).File("etc/passwd", "root:x:0:0::/root:/bin/sh\n", uid: 0, gid: 0)
            .Symlink("etc/ssl/certs", "/usr/share/ca-certificates").File("home/app/x", "1", uid: 1000, gid: 1000);

        var (report, facts) = await Scan(image.WriteOciArchive(PathFor("oci.tar")));

        var fs = ImageFilesystem.Merge(facts.Entries);
        Assert.Equal(0b100_111_101_101, fs.Get("usr/bin/su")!.Mode & 0xFFF);
        Assert.Equal(0b001_111_111_111, fs.Get("tmp")!.Mode & 0xFFF);
        Assert.Equal(LayerEntryType.Directory, fs.Get("tmp")!.Type);
        Assert.Equal((1000, 1000), (fs.Get("home/app/x")!.Uid, fs.Get("home/app/x")!.Gid));
        Assert.Equal("/usr/share/ca-certificates", fs.Get("etc/ssl/certs")!.LinkTarget);
        Assert.Equal("root:x:0:0::/root:/bin/sh\n", facts.Files[(0, "etc/passwd")]);
        Assert.True(facts.LayersComplete);
        Assert.True(facts.ConfigBytes.Length > 0);
        // An absolute link is the image's own path, not the host's.
        Assert.DoesNotContain(report.Findings, f => f.RuleId == "archive.link-escape");
    }

    [Fact]
    public async Task Hostile_layers_get_the_archive_findings_with_the_layer_in_the_path()
    {
        var image = new TestImage();
        image.Layer().File("../../etc/cron.d/job", "* * * * * root sh\n").CharDevice("dev/mem", 1, 1)
            .Symlink("app/up", "../../../../etc/shadow").Symlink("conf", "/etc").File("conf/cron.d/evil", "x");
        var (report, facts) = await Scan(image.WriteOciArchive(PathFor("oci.tar")));

        var layer = "app.tar!/" + image.DiffIds[0];
        Assert.Contains(report.Findings, f => f.RuleId == "archive.path-traversal" && f.Path == layer + "!/../../etc/cron.d/job");
        Assert.Contains(report.Findings, f => f.RuleId == "archive.special-file" && f.Path == layer + "!/dev/mem");
        Assert.Contains(report.Findings, f => f.RuleId == "archive.link-escape" && f.Path == layer + "!/app/up");
        Assert.Contains(report.Findings, f => f.RuleId == "archive.link-traversal" && f.Path == layer + "!/conf/cron.d/evil");
        Assert.DoesNotContain(report.Findings, f => f.RuleId == "archive.link-escape" && f.Path == layer + "!/conf");
        Assert.Equal(Verdict.Reject, report.Verdict);
        Assert.Equal(LayerEntryType.CharDevice, facts.Entries.Single(e => e.Path == "dev/mem").Type);
    }

    [Fact]
    public async Task A_decompression_bomb_layer_is_an_archive_bomb_and_the_image_is_incomplete()
    {
        var image = new TestImage();
        image.Layer().File("app/zeros", new byte[2 << 20]);
        var (report, facts) = await Scan(image.WriteOciArchive(PathFor("oci.tar")));

        Assert.Contains(report.Findings, f => f.RuleId == "archive.bomb" && f.Path.StartsWith("app.tar!/" + image.DiffIds[0], StringComparison.Ordinal));
        Assert.False(facts.LayersComplete);
        Assert.Equal("incomplete", report.Analyzers.Single(a => a.Id == "image").Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_layer_whose_bytes_do_not_match_its_digest_is_a_digest_mismatch_not_a_corrupt_archive(bool docker)
    {
        var image = new TestImage { GzipLayers = false };
        image.Layer().File("app/a.txt", "hello");
        image.Layer().File("app/b.txt", "world");
        image.TamperLayer = (i, bytes) =>
        {
            if (i != 1) return bytes;
            var copy = bytes.ToArray();
            var at = Encoding.ASCII.GetString(copy).IndexOf("world", StringComparison.Ordinal);
            copy[at] = (byte)'W';
            return copy;
        };
        var path = docker ? image.WriteDockerArchive(PathFor("docker.tar")) : image.WriteOciArchive(PathFor("oci.tar"));

        var (report, facts) = await Scan(path);

        var mismatch = Assert.Single(report.Findings, f => f.RuleId == "image.digest-mismatch");
        Assert.Equal(Severity.Critical, mismatch.Severity);
        Assert.DoesNotContain(report.Findings, f => f.RuleId == "archive.corrupt");
        Assert.Equal(Verdict.Reject, report.Verdict);
        Assert.Equal("ok", report.Analyzers.Single(a => a.Id == "image").Status);
        Assert.Equal(["app/a.txt", "app/b.txt"], facts.Entries.Select(e => e.Path));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_layer_whose_tar_is_not_what_the_config_says_is_a_digest_mismatch_though_its_blob_digest_holds(bool gzip)
    {
        var image = new TestImage { GzipLayers = gzip };
        image.Layer().File("app/a.txt", "a");
        image.Layer().File("app/b.txt", "b");
        var honest = image.DiffIds;
        // The config names layer 0 by layer 1's DiffID: every blob matches its descriptor, only the config lies.
        image.ConfigDiffIds = ids => [ids[1], ids[1]];
        var (report, _) = await Scan(image.WriteOciArchive(PathFor("oci.tar")));

        var mismatch = Assert.Single(report.Findings, f => f.RuleId == "image.digest-mismatch");
        Assert.Contains(honest[0], mismatch.Message, StringComparison.Ordinal);
        Assert.Equal(Verdict.Reject, report.Verdict);
    }

    [Fact]
    public async Task A_corrupt_gzip_layer_with_a_wrong_digest_is_reported_as_a_digest_mismatch_only()
    {
        var image = new TestImage();
        image.Layer().File("app/a.txt", new string('a', 5000));
        image.TamperLayer = (_, bytes) =>
        {
            var copy = bytes.ToArray();
            for (var i = 20; i < copy.Length - 8; i++) copy[i] ^= 0x5A;
            return copy;
        };
        var (report, _) = await Scan(image.WriteOciArchive(PathFor("oci.tar")));

        Assert.Contains(report.Findings, f => f.RuleId == "image.digest-mismatch");
        Assert.DoesNotContain(report.Findings, f => f.RuleId == "archive.corrupt");
    }

    [Fact]
    public async Task A_zstd_layer_is_an_unsupported_layer_and_the_verdict_is_incomplete()
    {
        var image = new TestImage { LayerMediaType = i => i == 1 ? "application/vnd.oci.image.layer.v1.tar+zstd" : null };
        image.Layer().File("app/a.txt", TestKeys.RsaPkcs1);
        image.Layer().File("app/b.txt", "b");
        var (report, facts) = await Scan(image.WriteOciArchive(PathFor("oci.tar")));

        Assert.Contains(report.Findings, f => f.RuleId == "image.unsupported-layer" && f.Severity == Severity.High);
        Assert.Equal("incomplete", report.Analyzers.Single(a => a.Id == "image").Status);
        Assert.False(facts.LayersComplete);
        // The readable layer is still searched.
        Assert.Contains(report.Findings, f => f.RuleId == "secret.private-key");
    }

    [Fact]
    public async Task A_container_artifact_that_is_no_image_is_unreadable_and_still_walked()
    {
        var path = PathFor("plain.tar");
        await File.WriteAllBytesAsync(path, Gatehouse.Analysis.Tests.Images.TestLayout.Tar([KeyValuePair.Create("app/key.pem", Utf8(TestKeys.RsaPkcs1))]));

        var (report, facts) = await Scan(path);

        Assert.Contains(report.Findings, f => f.RuleId == "image.unreadable" && f.Severity == Severity.Critical && f.Path == "app.tar");
        Assert.Contains(report.Findings, f => f.RuleId == "secret.private-key" && f.Path == "app.tar!/app/key.pem");
        Assert.Null(report.Image);
        Assert.Null(facts.Image);
        Assert.Equal(Verdict.Reject, report.Verdict);
    }

    [Fact]
    public async Task A_downloadable_tar_scans_as_before()
    {
        var path = PathFor("plain.tar");
        await File.WriteAllBytesAsync(path, Gatehouse.Analysis.Tests.Images.TestLayout.Tar([KeyValuePair.Create("app/key.pem", Utf8(TestKeys.RsaPkcs1))]));

        var (report, facts) = await Scan(path, type: "downloadable");

        Assert.Contains(report.Findings, f => f.RuleId == "secret.private-key" && f.Path == "app.tar!/app/key.pem");
        Assert.DoesNotContain(report.Findings, f => f.RuleId.StartsWith("image.", StringComparison.Ordinal));
        Assert.Null(report.Image);
        Assert.Null(facts.Image);
        Assert.Equal("ok", report.Analyzers.Single(a => a.Id == "image").Status);
    }

    [Fact]
    public async Task More_entries_than_the_image_limit_stop_the_walk_with_an_image_limit()
    {
        var image = new TestImage();
        image.Layer().File("a", "1").File("b", "2");
        image.Layer().File("c", "3").File("d", TestKeys.RsaPkcs1);
        var policy = NoEngines with { Images = ImagePolicy.Default with { MaxFiles = 3 } };

        var (report, facts) = await Scan(image.WriteOciArchive(PathFor("oci.tar")), policy: policy);

        Assert.Contains(report.Findings, f => f.RuleId == "image.limit");
        Assert.False(facts.LayersComplete);
        Assert.NotEqual(Verdict.Pass, report.Verdict);
    }
}
