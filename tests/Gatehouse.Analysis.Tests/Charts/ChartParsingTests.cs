using System.Text.Json.Nodes;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Tests.Charts;

/// <summary>Version constraints as Helm reads them, YAML as Kubernetes reads it, Helm's output into objects, and findings merged across values files.</summary>
public sealed class ChartParsingTests
{
    [Theory]
    [InlineData(">=1.22.0-0", "1.35.0", true)]
    [InlineData(">=1.22.0-0 <1.31.0-0", "1.31.0", false)]
    [InlineData(">=1.22.0-0 <1.31.0-0", "1.30.0", true)]
    [InlineData(">= 1.29, < 1.33", "1.32.0", true)]
    [InlineData(">= 1.29, < 1.33", "1.33.0", false)]
    [InlineData("^1.30.0", "1.35.0", true)]
    [InlineData("^0.2.3", "0.3.0", false)]
    [InlineData("~1.30.0", "1.30.9", true)]
    [InlineData("~1.30.0", "1.31.0", false)]
    [InlineData("1.30.x", "1.30.4", true)]
    [InlineData("1.30.x", "1.31.0", false)]
    [InlineData("<1.29 || >=1.34", "1.34.0", true)]
    [InlineData("<1.29 || >=1.34", "1.30.0", false)]
    [InlineData("1.28 - 1.31", "1.31.7", true)]
    [InlineData(">1.30", "1.30.5", false)]
    [InlineData("<=1.30", "1.30.5", true)]
    [InlineData("!=1.30.0", "1.30.0", false)]
    [InlineData(">=0.1.0", "0.2.0-rc.1", false)]
    [InlineData("*", "1.2.3", true)]
    [InlineData("v1.30.0", "1.30.0", true)]
    public void Constraints_follow_masterminds_semver_as_helm_uses_it(string constraint, string version, bool satisfied)
    {
        Assert.Equal(satisfied, SemverConstraint.Parse(constraint)!.IsSatisfiedBy(version));
    }

    [Theory]
    [InlineData(null, "1.35")]
    [InlineData(">=1.22.0-0", "1.35")]
    [InlineData("<1.33.0", "1.32")]
    [InlineData("~1.29.0", "1.29")]
    [InlineData("<1.20", null)]
    [InlineData("not a constraint", null)]
    public void The_kube_version_is_the_newest_supported_one_the_chart_allows(string? constraint, string? expected)
    {
        Assert.Equal(expected, KubeVersions.Pick(constraint));
    }

    [Theory]
    [InlineData("yes", "true")]
    [InlineData("On", "true")]
    [InlineData("off", "false")]
    [InlineData("0644", "420")]
    [InlineData("0x1F", "31")]
    [InlineData("10001", "10001")]
    [InlineData("-1", "-1")]
    [InlineData("1.5", "1.5")]
    [InlineData("~", "null")]
    [InlineData("latest", "\"latest\"")]
    [InlineData("1.16.0", "\"1.16.0\"")]
    public void Plain_scalars_read_as_the_cluster_reads_them(string scalar, string json)
    {
        var doc = new ChartYaml(100).ReadOne($"v: {scalar}\n")!;
        Assert.Equal(json, doc["v"]?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Quoted_scalars_stay_strings_and_merge_keys_apply()
    {
        var doc = new ChartYaml(100).ReadOne("base: &b {a: 1, b: 2}\nv:\n  <<: *b\n  b: 3\nq: \"yes\"\n")!;
        Assert.Equal("{\"a\":1,\"b\":2}", doc["base"]!.ToJsonString());
        Assert.Equal(3, doc["v"]!["b"]!.GetValue<long>());
        Assert.Equal(1, doc["v"]!["a"]!.GetValue<long>());
        Assert.Equal("yes", doc["q"]!.GetValue<string>());
    }

    [Fact]
    public void Aliases_count_as_often_as_they_are_used_and_depth_is_bounded()
    {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
        Assert.Contains("more than 1000 YAML nodes", Assert.Throws<ChartYamlException>(() => new ChartYaml(1000).ReadOne(bomb)).Message, StringComparison.Ordinal);
        Assert.NotNull(new ChartYaml(2000).ReadOne(bomb));
        Assert.Contains("nested deeper", Assert.Throws<ChartYamlException>(() => new ChartYaml(10_000).ReadOne(new string('[', 100) + new string(']', 100))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Helms_output_becomes_objects_named_by_their_template_in_order()
    {
        const string output = """
            ---
            # Source: demo/templates/serviceaccount.yaml
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: release-demo
            ---
            # Source: demo/templates/empty.yaml
            ---
            # Source: demo/charts/redis/templates/list.yaml
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: ConfigMap
                metadata: {name: one, namespace: other}
              - apiVersion: v1
                kind: Secret
                metadata: {name: two}
            """;

        var objects = RenderedOutput.Parse(output, "ci/a-values.yaml", ChartPolicy.Default);

        Assert.Equal(
            ["templates/serviceaccount.yaml#ServiceAccount/release-demo#0", "charts/redis/templates/list.yaml#ConfigMap/other/one#1", "charts/redis/templates/list.yaml#Secret/two#2"],
            objects.Select(o => $"{o.Template}#{o.Id}#{o.Index}"));
        Assert.All(objects, o => Assert.Equal("ci/a-values.yaml", o.Values));
        Assert.Equal("v1", objects[1].ApiVersion);
    }

    [Fact]
    public void Too_many_objects_is_a_render_failure()
    {
        var output = string.Concat(Enumerable.Range(0, 5).Select(i => $"---\n# Source: demo/templates/cm.yaml\nkind: ConfigMap\nmetadata:\n  name: c{i}\n"));

        var ex = Assert.Throws<ChartException>(() => RenderedOutput.Parse(output, "values.yaml", ChartPolicy.Default with { MaxObjects = 4 }));

        Assert.Equal("chart.render-failed", ex.Code);
    }

    [Fact]
    public void The_same_problem_under_several_values_files_is_one_finding_naming_them()
    {
        var rule = new RuleDescriptor("k8s.test", "t", Severity.High, "GH-HELM-1", "d");
        RenderedObject Obj(string values) => new(values, "templates/deployment.yaml", 3, "apps/v1", "Deployment", "web", null, new JsonObject());
        var found = new[]
        {
            ("values.yaml", new ManifestFinding(rule, Obj("values.yaml"), "spec.template.spec.containers[web].securityContext.privileged", "web is privileged") { Evidence = "privileged: true" }),
            ("ci/prod-values.yaml", new ManifestFinding(rule, Obj("ci/prod-values.yaml"), "spec.template.spec.containers[web].securityContext.privileged", "web is privileged")),
            ("ci/prod-values.yaml", new ManifestFinding(rule, Obj("ci/prod-values.yaml"), "spec.template.spec.hostNetwork", "host network") { Severity = Severity.Medium }),
        };

        var findings = ChartAnalyzer.Merge(found, renders: 2, "demo-0.1.0.tgz", "chart");

        Assert.Equal(2, findings.Count);
        Assert.Equal("web is privileged (with values.yaml, ci/prod-values.yaml)", findings[0].Message);
        Assert.Equal("demo-0.1.0.tgz!/templates/deployment.yaml#Deployment/web", findings[0].Path);
        Assert.Equal(Fingerprints.Of("k8s.test", "templates/deployment.yaml", "Deployment/web", "spec.template.spec.containers[web].securityContext.privileged"), findings[0].Fingerprint);
        Assert.Equal(("privileged: true", "GH-HELM-1", "chart"), (findings[0].Evidence, findings[0].RequirementId, findings[0].AnalyzerId));
        Assert.Equal(("host network (with ci/prod-values.yaml)", Severity.Medium), (findings[1].Message, findings[1].Severity));
    }
}
