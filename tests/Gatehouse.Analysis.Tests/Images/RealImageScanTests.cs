using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Analyzers.Dependencies;
using Gatehouse.Analysis.Analyzers.Secrets;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Tests.Analyzers.Secrets;
using Gatehouse.Analysis.Tests.Support;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Tests.Images;

/// <summary>
/// One real image (umoci from rootfs folders, skopeo to docker-archive and oci-archive) scanned in its three forms: the
/// same findings and packages, the deleted secret reported with the digest of its layer, the packages of the final filesystem.
/// </summary>
public sealed class RealImageScanTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-realscan-").FullName;
    private readonly RealImage _image = RealImage.Build(b => b
        .Layer("COPY rootfs /", fs => fs
            .Write("etc/os-release", ImageExpanderTests.DebianOsRelease)
            .Write("var/lib/dpkg/status", ImageExpanderTests.Dpkg(("libssl3", "3.0.15-1~deb12u1"), ("perl-base", "5.36.0-7")))
            .Write("app/deploy.pem", TestKeys.RsaPkcs1 + "\n"))
        .Layer("RUN rm /app/deploy.pem && apt-get remove perl-base", fs => fs
            .Delete("app/deploy.pem")
            .Write("var/lib/dpkg/status", ImageExpanderTests.Dpkg(("libssl3", "3.0.15-1~deb12u1"))))
        .Config("--config.user", "1000:1000", "--config.cmd", "/bin/busybox"));

    public void Dispose()
    {
        _image.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<ScanReport> Scan(string path, string name)
    {
        var policy = Policy.Default with { RequiredEngines = [] };
        var settings = new EngineSettings { TempDirectory = Path.Combine(_dir, Guid.NewGuid().ToString("N")) };
        var pipeline = new ScanPipeline([new DependenciesAnalyzer(), new SecretsAnalyzer()],
            AnalyzerCatalog.CreateExpander(settings, policy, TimeProvider.System), policy, TimeProvider.System)
        {
            TempDirectory = settings.TempDirectory,
        };
        return await pipeline.ScanAsync(path, name, "container", null, CancellationToken.None);
    }

    [Fact]
    public async Task The_docker_archive_the_oci_archive_and_the_layout_give_the_same_findings_and_packages()
    {
        var docker = await Scan(_image.DockerArchive, "app.tar");
        var oci = await Scan(_image.OciArchive, "app.tar");
        var layout = await Scan(_image.Layout, "app.tar");

        var secret = Assert.Single(docker.Findings, f => f.RuleId == "secret.private-key");
        var layer = docker.Image!.Layers[1]; // busybox, then the layer that added the key
        Assert.Equal($"app.tar!/{layer.DiffId}!/app/deploy.pem", secret.Path);
        Assert.Equal(["pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12"], docker.Packages.Select(p => p.Purl.ToString()));
        Assert.Equal(layer.DiffId, docker.Packages[0].Layer);
        Assert.Equal("app.tar!/var/lib/dpkg/status", docker.Packages[0].DeclaredIn);

        foreach (var other in new[] { oci, layout })
        {
            Assert.Equal(docker.Findings.Select(f => (f.RuleId, f.Path, f.Severity)), other.Findings.Select(f => (f.RuleId, f.Path, f.Severity)));
            Assert.Equal(docker.Packages, other.Packages);
            Assert.Equal(docker.Image!.Layers.Select(l => l.DiffId), other.Image!.Layers.Select(l => l.DiffId));
            Assert.Equal("1000:1000", other.Image.User);
        }
        Assert.All(new[] { docker, oci, layout }, r => Assert.Equal("ok", r.Analyzers.Single(a => a.Id == "image").Status));
    }
}
