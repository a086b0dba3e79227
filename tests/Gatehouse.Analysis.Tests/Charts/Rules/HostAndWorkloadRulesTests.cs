using Gatehouse.Analysis.Pipeline;
using static Gatehouse.Analysis.Tests.Charts.Rules.Manifests;

namespace Gatehouse.Analysis.Tests.Charts.Rules;

public sealed class HostAndWorkloadRulesTests
{
    private const string Container = """
        containers:
          - name: app
            image: registry.example/app:1
        """;

    [Fact]
    public void Each_host_namespace_is_its_own_finding()
    {
        var findings = Check(Deployment("hostNetwork: true\nhostPID: true\nhostIPC: false\n" + Container), "k8s.host-namespace");
        Assert.Equal(["spec.template.spec.hostNetwork", "spec.template.spec.hostPID"], findings.Select(f => f.Field));
    }

    [Theory]
    [InlineData("/var/run/docker.sock", Severity.Critical)]
    [InlineData("/run/containerd/containerd.sock", Severity.Critical)]
    [InlineData("/var/run//../run/docker.sock/", Severity.Critical)]
    [InlineData("/", Severity.High)]
    [InlineData("/etc/kubernetes/pki", Severity.High)]
    [InlineData("/var/lib/kubelet", Severity.High)]
    [InlineData("/data/app", Severity.Medium)]
    public void HostPath_severity_depends_on_what_is_mounted(string path, Severity severity)
    {
        var yaml = Deployment(Container + $"\nvolumes:\n  - name: host\n    hostPath: {{path: '{path}'}}");
        var f = Assert.Single(Check(yaml, "k8s.host-path"));
        Assert.Equal("spec.template.spec.volumes[host].hostPath.path", f.Field);
        Assert.Equal(severity, f.Severity ?? f.Rule.DefaultSeverity);
        Assert.Equal($"hostPath: {path}", f.Evidence);
    }

    [Fact]
    public void A_host_port_is_reported_at_its_port()
    {
        var yaml = Deployment(Container + "\n    ports:\n      - {name: http, containerPort: 80, hostPort: 80}\n      - {containerPort: 81}");
        var f = Assert.Single(Check(yaml, "k8s.host-port"));
        Assert.Equal("spec.template.spec.containers[app].ports[http].hostPort", f.Field);
    }

    [Fact]
    public void Missing_requests_or_memory_limit_is_medium_and_a_missing_cpu_limit_alone_is_low()
    {
        var none = Assert.Single(Check(Deployment(Container + "\n    resources: {}"), "k8s.resources"));
        Assert.Null(none.Severity);
        Assert.Contains("requests.cpu, requests.memory, limits.memory, limits.cpu", none.Message, StringComparison.Ordinal);
        var noCpuLimit = Assert.Single(Check(Deployment(Container + "\n    resources: {requests: {cpu: 10m, memory: 64Mi}, limits: {memory: 128Mi}}"), "k8s.resources"));
        Assert.Equal(Severity.Low, noCpuLimit.Severity);
        Assert.Empty(Check(Deployment(Container + "\n    resources: {requests: {cpu: 10m, memory: 64Mi}, limits: {cpu: 100m, memory: 128Mi}}"), "k8s.resources"));
    }

    [Fact]
    public void Probes_are_required_of_long_running_containers_only()
    {
        var f = Assert.Single(Check(Deployment(Container + "\n    livenessProbe: {tcpSocket: {port: 80}}"), "k8s.probes"));
        Assert.Equal("spec.template.spec.containers[app].readinessProbe", f.Field);
        Assert.Empty(Check("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n" + Indent(Container, 6), "k8s.probes"));
        Assert.Empty(Check("apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations: {helm.sh/hook: test}\nspec:\n" + Indent(Container, 2), "k8s.probes"));
    }

    [Theory]
    [InlineData("nginx", "k8s.image-tag")]
    [InlineData("nginx:latest", "k8s.image-tag")]
    [InlineData("127.0.0.1:5000/app", "k8s.image-tag")]
    [InlineData("127.0.0.1:5000/app:latest", "k8s.image-tag")]
    [InlineData("nginx:1.27", "chart.image-not-pinned")]
    [InlineData("127.0.0.1:5000/app:1.0", "chart.image-not-pinned")]
    public void Image_references_are_parsed_so_a_registry_port_is_no_tag(string image, string rule)
    {
        var findings = Check(Deployment($"containers:\n  - name: app\n    image: '{image}'"));
        Assert.Contains(findings, f => f.Rule.Id == rule && f.Field == "spec.template.spec.containers[app].image" && f.Evidence == $"image: {image}");
        if (rule == "chart.image-not-pinned") Assert.DoesNotContain(findings, f => f.Rule.Id == "k8s.image-tag");
    }

    [Fact]
    public void An_image_pinned_by_digest_passes_even_with_the_tag_latest()
    {
        var findings = Check(Deployment("containers:\n  - name: app\n    image: 'registry.example:5000/app:latest@sha256:" + new string('a', 64) + "'"));
        Assert.DoesNotContain(findings, f => f.Rule.Id is "k8s.image-tag" or "chart.image-not-pinned");
    }
}
