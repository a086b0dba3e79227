using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Charts.Schema;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Tests.Requirements;
using static Gatehouse.Analysis.Tests.Charts.Schema.SchemaTestObjects;

namespace Gatehouse.Analysis.Tests.Charts.Schema;

public sealed class ManifestSchemaTests
{
    private static readonly ManifestCheckOptions K135 = new("1.35");

    private const string Deployment = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[{"name":"web","image":"nginx:1.27","imagePullPolicy":"IfNotPresent",
             "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
             "livenessProbe":{"httpGet":{"path":"/","port":"http"}},
             "resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":0.1,"memory":"64Mi"}},
             "securityContext":{"runAsNonRoot":true,"allowPrivilegeEscalation":false}}]}}}}
        """;

    private static List<ManifestFinding> Validate(string json, ManifestCheckOptions? options = null) =>
        ManifestSchema.Default.Validate([Object(json)], options ?? K135).ToList();

    private static string Patch(string json, string from, string to)
    {
        var at = json.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0 && json.IndexOf(from, at + 1, StringComparison.Ordinal) < 0, $"{from} must occur once");
        return json.Replace(from, to, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_deployment_has_no_findings()
    {
        Assert.Empty(Validate(Deployment));
    }

    [Fact]
    public void An_unknown_field_is_reported_at_its_path_with_the_list_item_named()
    {
        var f = Assert.Single(Validate(Patch(Deployment, "\"securityContext\":{", "\"securityContxt\":{\"privileged\":true},\"securityContext\":{")));
        Assert.Equal("k8s.schema-unknown-field", f.Rule.Id);
        Assert.Equal(Severity.Medium, f.Rule.DefaultSeverity);
        Assert.Equal("spec.template.spec.containers[web].securityContxt", f.Field);
        Assert.Contains("not a field of Container", f.Message, StringComparison.Ordinal);
        Assert.Equal("securityContxt", f.Evidence);
    }

    [Fact]
    public void A_mis_indented_security_setting_is_an_unknown_field_of_the_pod_spec()
    {
        var json = Patch(Deployment, "\"containers\":[", "\"runAsNonRoot\":true,\"containers\":[");
        var f = Assert.Single(Validate(json));
        Assert.Equal(("k8s.schema-unknown-field", "spec.template.spec.runAsNonRoot"), (f.Rule.Id, f.Field));
    }

    [Fact]
    public void Several_problems_in_one_object_are_all_reported()
    {
        var json = Patch(Patch(Patch(Deployment, "\"replicas\":2", "\"replicas\":\"2\",\"replica\":2"),
            "\"name\":\"web\",\"image\"", "\"image\""), "\"containerPort\":8080", "\"containerPort\":\"8080\"");
        var found = Validate(json).Select(f => (f.Rule.Id, f.Field)).ToHashSet();
        Assert.Equal(
            new HashSet<(string, string)>
            {
                ("k8s.schema-type", "spec.replicas"),
                ("k8s.schema-unknown-field", "spec.replica"),
                ("k8s.schema-required", "spec.template.spec.containers[0].name"),
                ("k8s.schema-type", "spec.template.spec.containers[0].ports[http].containerPort"),
            }, found);
    }

    [Fact]
    public void Numbers_and_booleans_given_as_strings_are_type_errors()
    {
        var json = Patch(Patch(Deployment, "\"replicas\":2", "\"replicas\":\"2\""), "\"runAsNonRoot\":true", "\"runAsNonRoot\":\"true\"");
        var found = Validate(json);
        Assert.All(found, f => Assert.Equal("k8s.schema-type", f.Rule.Id));
        var replicas = Assert.Single(found, f => f.Field == "spec.replicas");
        Assert.Equal("spec.replicas must be an integer, not a string (\"2\")", replicas.Message);
        Assert.Single(found, f => f.Field == "spec.template.spec.containers[web].securityContext.runAsNonRoot");
        Assert.Equal(Severity.High, replicas.Rule.DefaultSeverity);
    }

    [Fact]
    public void A_number_or_boolean_where_Kubernetes_wants_a_string_is_a_type_error()
    {
        var json = Patch(Deployment, "\"name\":\"web\",\"labels\":{\"app\":\"web\"}},", "\"name\":\"web\",\"labels\":{\"app\":\"web\",\"tier\":true},\"annotations\":{\"version\":1.0}},");
        var found = Validate(json).Select(f => (f.Rule.Id, f.Field)).ToHashSet();
        Assert.Equal(new HashSet<(string, string)> { ("k8s.schema-type", "metadata.labels[tier]"), ("k8s.schema-type", "metadata.annotations[version]") }, found);
    }

    [Fact]
    public void A_number_in_a_string_field_is_reported_without_its_value_which_could_be_a_secret()
    {
        var f = Assert.Single(Validate(Patch(Deployment, "\"imagePullPolicy\"", "\"env\":[{\"name\":\"PIN\",\"value\":482913}],\"imagePullPolicy\"")));
        Assert.Equal(("k8s.schema-type", "spec.template.spec.containers[web].env[PIN].value"), (f.Rule.Id, f.Field));
        Assert.Equal("spec.template.spec.containers[web].env[PIN].value must be a string, not a number", f.Message);
        Assert.Equal("value: a number", f.Evidence);
    }

    [Theory]
    [InlineData("\"http\"", true)]
    [InlineData("8080", true)]
    [InlineData("1.5", false)]
    [InlineData("true", false)]
    [InlineData("{\"a\":1}", false)]
    public void Int_or_string_takes_an_integer_or_a_string(string port, bool valid)
    {
        var found = Validate(Patch(Deployment, "\"port\":\"http\"", $"\"port\":{port}"));
        if (valid) Assert.Empty(found);
        else Assert.Equal(("k8s.schema-type", "spec.template.spec.containers[web].livenessProbe.httpGet.port"), (Assert.Single(found).Rule.Id, found[0].Field));
    }

    [Theory]
    [InlineData("\"500m\"", true)]
    [InlineData("\"1.5Gi\"", true)]
    [InlineData("\"1e3\"", true)]
    [InlineData("2", true)]
    [InlineData("0.5", true)]
    [InlineData("\"500 m\"", false)]
    [InlineData("\"lots\"", false)]
    [InlineData("\"1GB\"", false)]
    [InlineData("true", false)]
    public void A_resource_quantity_is_a_number_or_a_quantity_string(string cpu, bool valid)
    {
        var found = Validate(Patch(Deployment, "\"cpu\":\"500m\"", $"\"cpu\":{cpu}"));
        if (valid) Assert.Empty(found);
        else Assert.Equal(("k8s.schema-type", "spec.template.spec.containers[web].resources.limits[cpu]"), (Assert.Single(found).Rule.Id, found[0].Field));
    }

    [Fact]
    public void Null_is_accepted_for_an_optional_field_and_is_missing_for_a_required_one()
    {
        var optional = Patch(Deployment, "\"replicas\":2", "\"replicas\":null,\"strategy\":null");
        Assert.Empty(Validate(Patch(optional, "\"name\":\"web\",\"labels\":{\"app\":\"web\"}},", "\"name\":\"web\",\"labels\":{\"app\":\"web\"},\"annotations\":null},")));
        var required = Validate(Patch(Deployment, "\"selector\":{\"matchLabels\":{\"app\":\"web\"}}", "\"selector\":null"));
        var f = Assert.Single(required);
        Assert.Equal(("k8s.schema-required", "spec.selector"), (f.Rule.Id, f.Field));
        Assert.Contains("must not be null", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_field_is_reported()
    {
        var f = Assert.Single(Validate(Patch(Deployment, "\"selector\":{\"matchLabels\":{\"app\":\"web\"}},", "")));
        Assert.Equal(("k8s.schema-required", "spec.selector"), (f.Rule.Id, f.Field));
        Assert.Equal("spec.selector is required by DeploymentSpec but missing", f.Message);
    }

    [Fact]
    public void A_value_outside_its_enumeration_is_a_type_error()
    {
        var f = Assert.Single(Validate(Patch(Deployment, "\"IfNotPresent\"", "\"Sometimes\"")));
        Assert.Equal(("k8s.schema-type", "spec.template.spec.containers[web].imagePullPolicy"), (f.Rule.Id, f.Field));
        Assert.Contains("one of Always, IfNotPresent, Never", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Secret_data_must_be_base64_and_the_value_is_never_shown()
    {
        const string secret = """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"ok":"aHVudGVyMg==","bad":"hunter2 plain"},"stringData":{"plain":"hunter2 plain"}}""";
        var f = Assert.Single(Validate(secret));
        Assert.Equal(("k8s.schema-type", "data[bad]"), (f.Rule.Id, f.Field));
        Assert.DoesNotContain("hunter2", f.Message + f.Evidence, StringComparison.Ordinal);
        Assert.Contains("stringData", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_is_not_validated()
    {
        Assert.Empty(Validate(Patch(Deployment, "\"apiVersion\":\"apps/v1\",", "\"apiVersion\":\"apps/v1\",\"status\":{\"anything\":\"goes\"},")));
    }

    [Fact]
    public void A_list_where_an_object_is_expected_and_an_object_where_a_list_is_expected_are_type_errors()
    {
        var json = Patch(Patch(Deployment, "\"selector\":{\"matchLabels\":{\"app\":\"web\"}}", "\"selector\":[]"), "\"ports\":[{\"name\":\"http\",\"containerPort\":8080,\"protocol\":\"TCP\"}]", "\"ports\":{\"containerPort\":8080}");
        var found = Validate(json).Select(f => (f.Rule.Id, f.Field, f.Message)).ToList();
        Assert.Contains(("k8s.schema-type", "spec.selector", "spec.selector must be an object, not a list"), found);
        Assert.Contains(("k8s.schema-type", "spec.template.spec.containers[web].ports", "spec.template.spec.containers[web].ports must be a list, not an object"), found);
    }

    [Theory]
    [InlineData("extensions/v1beta1", "Ingress", "1.29", "k8s.api-removed", "networking.k8s.io/v1")]
    [InlineData("batch/v1beta1", "CronJob", "1.29", "k8s.api-removed", "batch/v1")]
    [InlineData("policy/v1beta1", "PodDisruptionBudget", "1.35", "k8s.api-removed", "policy/v1")]
    [InlineData("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.29", "k8s.api-removed", "autoscaling/v2")]
    [InlineData("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.32", "k8s.api-removed", "flowcontrol.apiserver.k8s.io/v1")]
    [InlineData("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", "1.29", "k8s.api-not-yet-served", ">=1.30.0-0")]
    [InlineData("resource.k8s.io/v1", "ResourceClaim", "1.33", "k8s.api-not-yet-served", ">=1.34.0-0")]
    public void An_api_the_target_Kubernetes_does_not_serve_is_reported_with_what_to_use(string apiVersion, string kind, string kube, string rule, string use)
    {
        var f = Assert.Single(Validate($$$"""{"apiVersion":"{{{apiVersion}}}","kind":"{{{kind}}}","metadata":{"name":"x"},"spec":{"bogus":1}}""", new ManifestCheckOptions(kube)));
        Assert.Equal((rule, "apiVersion"), (f.Rule.Id, f.Field));
        Assert.Contains(use, f.Message, StringComparison.Ordinal);
        Assert.Contains($"Kubernetes {kube} does not serve {apiVersion} {kind}", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_served_apis_follow_the_kubernetes_version_the_chart_was_rendered_for()
    {
        const string flowV1Beta3 = """{"apiVersion":"flowcontrol.apiserver.k8s.io/v1beta3","kind":"PriorityLevelConfiguration","metadata":{"name":"x"},"spec":{"type":"Exempt"}}""";
        Assert.Empty(Validate(flowV1Beta3, new ManifestCheckOptions("v1.31.4")));
        Assert.Equal("k8s.api-removed", Assert.Single(Validate(flowV1Beta3, new ManifestCheckOptions("1.32"))).Rule.Id);
        const string policy = """{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy","metadata":{"name":"x"},"spec":{"validations":[{"expression":"true"}]}}""";
        Assert.Empty(Validate(policy, new ManifestCheckOptions("1.30")));
    }

    [Fact]
    public void A_kind_that_is_not_built_in_or_shipped_as_a_CRD_is_low_and_says_it_was_not_validated()
    {
        var f = Assert.Single(Validate("""{"apiVersion":"cert-manager.io/v1","kind":"Certificate","metadata":{"name":"x"},"spec":{"anything":1}}"""));
        Assert.Equal(("k8s.unknown-kind", Severity.Low, null), (f.Rule.Id, f.Rule.DefaultSeverity, f.Severity));
        Assert.Contains("not validated", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_kind_or_version_in_a_built_in_group_is_high()
    {
        var typo = Assert.Single(Validate(Patch(Deployment, "\"kind\":\"Deployment\"", "\"kind\":\"Deploymnet\"")));
        Assert.Equal(("k8s.unknown-kind", Severity.High), (typo.Rule.Id, typo.Severity));
        var version = Assert.Single(Validate(Patch(Deployment, "\"apps/v1\"", "\"apps/v2\"")));
        Assert.Equal(("k8s.unknown-kind", Severity.High), (version.Rule.Id, version.Severity));
    }

    [Fact]
    public void A_custom_resource_is_validated_against_the_CRD_the_chart_ships()
    {
        var crd = Object("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
             "spec":{"group":"example.com","scope":"Namespaced","names":{"kind":"Widget","plural":"widgets"},
              "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{
                "spec":{"type":"object","required":["size"],"properties":{
                  "size":{"type":"integer"},"port":{"x-kubernetes-int-or-string":true},"mode":{"type":"string","enum":["a","b"]},
                  "tags":{"type":"array","items":{"type":"string"}},"extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}}}]}}
            """);
        var good = Object("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","labels":{"a":"b"}},"spec":{"size":3,"port":"http","mode":"a","tags":["x"],"extra":{"free":1}}}""", index: 1);
        var bad = Object("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"v","labels":{"a":1}},"spec":{"port":1.5,"mode":"c","tags":[1],"colour":"red"}}""", index: 2);
        var found = ManifestSchema.Default.Validate([crd, good, bad], K135).ToList();
        Assert.All(found, f => Assert.Same(bad, f.Object));
        Assert.Equal(new HashSet<(string, string)>
        {
            ("k8s.schema-type", "metadata.labels[a]"), ("k8s.schema-required", "spec.size"), ("k8s.schema-type", "spec.port"),
            ("k8s.schema-type", "spec.mode"), ("k8s.schema-type", "spec.tags[0]"), ("k8s.schema-unknown-field", "spec.colour"),
        }, found.Select(f => (f.Rule.Id, f.Field)).ToHashSet());
    }

    [Fact]
    public void Problems_are_bounded_per_object_and_the_rest_are_counted()
    {
        var fields = string.Join(",", Enumerable.Range(0, 30).Select(i => $"\"extra{i}\":{i}"));
        var found = Validate(Patch(Deployment, "\"replicas\":2", "\"replicas\":2," + fields));
        Assert.Equal(ManifestSchema.MaxProblemsPerObject + 1, found.Count);
        Assert.Equal("10 more schema problem(s) in Deployment/web are not listed (at most 20 per object)", found[^1].Message);
    }

    [Fact]
    public void An_object_without_apiVersion_or_kind_is_missing_a_required_field()
    {
        var f = Assert.Single(Validate("""{"kind":"ConfigMap","metadata":{"name":"x"}}"""));
        Assert.Equal(("k8s.schema-required", "apiVersion"), (f.Rule.Id, f.Field));
    }

    [Fact]
    public void An_object_without_a_name_is_missing_a_required_field()
    {
        var f = Assert.Single(Validate("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"labels":{"a":"b"}},"data":{"a":"b"}}"""));
        Assert.Equal(("k8s.schema-required", "metadata.name"), (f.Rule.Id, f.Field));
        Assert.Empty(Validate("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"cfg-"}}"""));
    }

    [Fact]
    public void A_hostile_deeply_nested_custom_resource_is_bounded()
    {
        // A CRD whose schema nests 200 objects deep, and an object that follows it all the way down.
        var schema = string.Concat(Enumerable.Repeat("{\"type\":\"object\",\"properties\":{\"a\":", 200)) + "{\"type\":\"string\"}" + new string('}', 400);
        var value = string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "\"x\"" + new string('}', 200);
        var crd = Object("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"deeps.example.com"},
             "spec":{"group":"example.com","scope":"Namespaced","names":{"kind":"Deep","plural":"deeps"},
              "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":SCHEMA}}}}]}}
            """.Replace("SCHEMA", schema, StringComparison.Ordinal));
        var deep = Object("""{"apiVersion":"example.com/v1","kind":"Deep","metadata":{"name":"d"},"spec":VALUE}""".Replace("VALUE", value, StringComparison.Ordinal), index: 1);
        var found = ManifestSchema.Default.Validate([crd, deep], K135).ToList();
        Assert.True(found.Count <= ManifestSchema.MaxProblemsPerObject + 1);
    }

    [Fact]
    public void A_kube_version_that_is_not_a_version_fails_rather_than_passes()
    {
        Assert.Throws<FormatException>(() => Validate(Deployment, new ManifestCheckOptions("latest")));
    }

    [Fact]
    public void The_bundled_data_loads_and_every_listed_api_change_is_a_kind_the_schema_knows()
    {
        var schema = KubernetesSchema.Default;
        Assert.StartsWith(">=1.35", schema.KubernetesVersion, StringComparison.Ordinal);
        Assert.Contains("kubernetes-models 5.1.0", schema.Source, StringComparison.Ordinal);
        Assert.True(schema.Kinds.Count() > 100);
        var kinds = schema.Kinds.ToHashSet();
        Assert.All(ApiVersionTable.Default.Changes, c => Assert.Contains((c.ApiVersion, c.Kind), kinds));
        var container = schema.Definition("IoK8sApiCoreV1Container");
        Assert.Equal(["name"], container.Required);
        Assert.Equal(SchemaTypeKind.Integer, schema.Definition("IoK8sApiCoreV1ContainerPort").Properties["containerPort"].Kind);
    }

    [Fact]
    public void Every_schema_rule_is_listed_by_the_engine_and_has_a_doc_page_and_a_row_in_the_rules_index()
    {
        var all = AnalyzerCatalog.AllRules().Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var index = File.ReadAllText(RepoFiles.Path("docs", "rules", "README.md"));
        foreach (var rule in ManifestSchema.AllRules)
        {
            Assert.Contains(rule.Id, all);
            var page = RepoFiles.Path(rule.DocPath.Split('/'));
            Assert.True(File.Exists(page), $"missing {rule.DocPath}");
            Assert.Equal($"# `{rule.Id}`", File.ReadLines(page).First());
            Assert.Contains($"| [`{rule.Id}`]({rule.Id}.md) |", index, StringComparison.Ordinal);
        }
    }
}
