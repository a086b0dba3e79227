using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Images.Checks;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Verdicts;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Analysis.Tests.Images.Checks;

/// <summary>
/// The checks on a real image: built with umoci from a rootfs folder (setuid file, world-writable directory, empty root
/// password, Debian 11 os-release, apt lists left behind), configured without USER, with an ENV secret and port 22, saved
/// with skopeo as a docker-archive, then scanned by the pipeline with the real image expander.
/// </summary>
public sealed class ImageChecksEndToEndTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gh-imgchecks-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_real_image_built_with_umoci_gets_every_check_it_deserves_through_the_pipeline()
    {
        var archive = Build();
        var policy = Policy.Default with { RequiredEngines = [] };
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var settings = new EngineSettings { TempDirectory = Directory.CreateDirectory(Path.Combine(_root, "tmp")).FullName };
        var pipeline = new ScanPipeline([new ImageChecksAnalyzer(time)], AnalyzerCatalog.CreateExpander(settings, policy, time), policy, time)
        {
            TempDirectory = settings.TempDirectory,
        };

        var report = await pipeline.ScanAsync(archive, "app.tar", "container", null, CancellationToken.None);

        Assert.All(report.Analyzers, r => Assert.Equal("ok", r.Status));
        var rules = report.Findings.Where(f => f.AnalyzerId == "image.checks").Select(f => f.RuleId).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(
            ["image.empty-password", "image.missing-label", "image.no-healthcheck", "image.os-end-of-life", "image.package-cache",
             "image.runs-as-root", "image.secret-in-env", "image.setuid-binary", "image.ssh-exposed", "image.world-writable-dir"],
            rules.Order(StringComparer.Ordinal));
        Assert.Contains(report.Findings, f => f.RuleId == "image.setuid-binary" && f.Path == "app.tar!/usr/local/bin/helper" && f.Severity == Severity.Medium);
        Assert.Contains(report.Findings, f => f.RuleId == "image.secret-in-env" && f.Path == "app.tar!/config/Env/DB_PASSWORD");
        Assert.Contains(report.Findings, f => f.RuleId == "image.os-end-of-life" && f.Path == "app.tar!/etc/os-release");
        Assert.DoesNotContain(report.Findings, f => f.Path.Contains("removed-suid", StringComparison.Ordinal));
        Assert.Equal(Verdict.Reject, report.Verdict);
    }

    private string Build()
    {
        var bundle = Path.Combine(_root, "bundle");
        var layout = Path.Combine(_root, "oci");
        RealImages.Run("umoci", "init", "--layout", layout);
        RealImages.Run("umoci", "new", "--image", layout + ":app");
        var rootless = Environment.UserName == "root" ? [] : new[] { "--rootless" };
        RealImages.Run("umoci", ["unpack", .. rootless, "--image", layout + ":app", bundle]);
        var rootfs = Path.Combine(bundle, "rootfs");
        foreach (var dir in new[] { "etc", "usr/local/bin", "app/data", "opt", "var/lib/apt/lists", "tmp" })
            Directory.CreateDirectory(Path.Combine(rootfs, dir));
        File.WriteAllText(Path.Combine(rootfs, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001::/app:/bin/sh\n");
        File.WriteAllText(Path.Combine(rootfs, "etc/shadow"), "root::19760:0:99999:7:::\napp:!:19760:0:99999:7:::\n");
        File.WriteAllText(Path.Combine(rootfs, "etc/os-release"), "ID=debian\nVERSION_ID=\"11\"\n");
        File.WriteAllText(Path.Combine(rootfs, "usr/local/bin/helper"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(rootfs, "usr/local/bin/helper"), (UnixFileMode)0x9ED); // 4755
        File.WriteAllText(Path.Combine(rootfs, "opt/removed-suid"), "#!/bin/sh\n");
        File.SetUnixFileMode(Path.Combine(rootfs, "opt/removed-suid"), (UnixFileMode)0x9ED);
        File.SetUnixFileMode(Path.Combine(rootfs, "app/data"), (UnixFileMode)0x1FF); // 0777
        File.SetUnixFileMode(Path.Combine(rootfs, "tmp"), (UnixFileMode)0x3FF); // 1777
        File.WriteAllBytes(Path.Combine(rootfs, "var/lib/apt/lists/deb.debian.org_debian_dists_bullseye_InRelease"), new byte[4096]);
        RealImages.Run("umoci", ["repack", .. rootless, "--refresh-bundle", "--history.created_by=COPY rootfs /", "--image", layout + ":app", bundle]);
        File.Delete(Path.Combine(rootfs, "opt/removed-suid"));
        RealImages.Run("umoci", ["repack", .. rootless, "--refresh-bundle", "--history.created_by=RUN rm /opt/removed-suid", "--image", layout + ":app", bundle]);
        RealImages.Run("umoci", "config", "--image", layout + ":app", "--config.env", "DB_PASSWORD=hunter2-prod", "--config.exposedports", "22/tcp",
            "--config.cmd", "/bin/sh");
        RealImages.Run("umoci", "gc", "--layout", layout);
        var archive = Path.Combine(_root, "app.tar");
        RealImages.Run("skopeo", "copy", "--quiet", $"oci:{layout}:app", $"docker-archive:{archive}:bench/app:1");
        return archive;
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
