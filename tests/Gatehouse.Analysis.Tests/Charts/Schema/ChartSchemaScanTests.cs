using Gatehouse.Analysis.Charts.Schema;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Tests.Support;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Tests.Charts.Schema;

/// <summary>The schema validation through the chart analyzer: a real chart, rendered by the real Helm, scanned by the pipeline.</summary>
public sealed class ChartSchemaScanTests
{
    private static readonly HashSet<string> SchemaRuleIds = ManifestSchema.AllRules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);

    private static List<Finding> SchemaFindings(ScanReport report) => report.Findings.Where(f => SchemaRuleIds.Contains(f.RuleId)).ToList();

    [Fact]
    public async Task A_quoted_number_in_a_template_is_a_type_finding_at_the_template_and_object_and_the_chart_is_rejected()
    {
        using var chart = TestChart.Create().Complete()
            .Replace("templates/deployment.yaml", "replicas: {{ .Values.replicaCount }}", "replicas: {{ .Values.replicaCount | quote }}");

        var report = await TestChart.ScanAsync(chart.Pack());

        var f = Assert.Single(SchemaFindings(report));
        Assert.Equal(("k8s.schema-type", Severity.High, "GH-HELM-8"), (f.RuleId, f.Severity, f.RequirementId));
        Assert.Equal("demo-0.1.0.tgz!/templates/deployment.yaml#Deployment/release-demo", f.Path);
        Assert.Equal("spec.replicas must be an integer, not a string (\"1\")", f.Message);
        Assert.Equal(Verdict.Reject, report.Verdict);
    }

    [Fact]
    public async Task The_served_apis_follow_the_kubernetes_version_the_charts_kubeVersion_allows()
    {
        const string flow = """
            apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
            kind: PriorityLevelConfiguration
            metadata:
              name: {{ .Release.Name }}-exempt
            spec:
              type: Exempt
            """;
        using var newest = TestChart.Create().Complete().Write("templates/flow.yaml", flow);
        var removed = Assert.Single(SchemaFindings(await TestChart.ScanAsync(newest.Pack())));
        Assert.Equal("k8s.api-removed", removed.RuleId);
        Assert.Equal("Kubernetes 1.35 does not serve flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration (removed in 1.32); use flowcontrol.apiserver.k8s.io/v1", removed.Message);

        using var older = TestChart.Create().Complete().Write("templates/flow.yaml", flow).AppendChartYaml("kubeVersion: \">=1.29.0-0 <1.32.0-0\"");
        var report = await TestChart.ScanAsync(older.Pack());
        Assert.Equal("1.31", report.Chart!.KubeVersion);
        Assert.Empty(SchemaFindings(report));
    }

    [Fact]
    public async Task A_custom_resource_is_validated_against_the_CRD_in_the_charts_crds_folder()
    {
        const string crd = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            spec:
              group: example.com
              scope: Namespaced
              names: {kind: Widget, plural: widgets, singular: widget}
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec:
                          type: object
                          required: [size]
                          properties:
                            size: {type: integer}
            """;
        const string widget = """
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: {{ .Release.Name }}-w
            spec:
              size: "3"
              colour: red
            """;
        using var chart = TestChart.Create().Complete().Write("crds/widgets.yaml", crd).Write("templates/widget.yaml", widget);

        var found = SchemaFindings(await TestChart.ScanAsync(chart.Pack())).Select(f => (f.RuleId, f.Path, f.Message)).ToHashSet();

        var expected = new HashSet<(string, string, string)>
        {
            ("k8s.schema-type", "demo-0.1.0.tgz!/templates/widget.yaml#Widget/release-w", "spec.size must be an integer, not a string (\"3\")"),
            ("k8s.schema-unknown-field", "demo-0.1.0.tgz!/templates/widget.yaml#Widget/release-w", "spec.colour is not a field of Widget.spec"),
        };
        Assert.True(expected.SetEquals(found), string.Join("\n", found));
    }
}
