using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Charts.Schema;
using Gatehouse.Analysis.Tests.Requirements;
using static Gatehouse.Analysis.Tests.Charts.Schema.SchemaTestObjects;

namespace Gatehouse.Analysis.Tests.Charts.Schema;

/// <summary>
/// The schema validation against the real helm and against an independent validator: the <c>helm create</c> chart renders clean
/// at every supported Kubernetes version, and over a corpus (that chart's objects plus mutations made here) Gatehouse's
/// type and required-field verdicts agree with the npm package kubernetes-models (one node process for the whole corpus).
/// kubernetes-models does not check unknown fields, so those are not compared.
/// </summary>
public sealed class KubernetesModelsOracleTests
{
    public static readonly TheoryData<string> SupportedVersions = new("1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35");

    [Theory]
    [MemberData(nameof(SupportedVersions))]
    public void The_helm_create_chart_validates_clean_at_every_supported_kubernetes_version(string kube)
    {
        var objects = RenderHelmCreate(kube);
        Assert.Equal(["Deployment", "HorizontalPodAutoscaler", "Ingress", "Pod", "Service", "ServiceAccount"], objects.Select(o => o.Kind).Order().ToArray());
        var findings = ManifestSchema.Default.Validate(objects, new ManifestCheckOptions(kube)).ToList();
        Assert.True(findings.Count == 0, string.Join("\n", findings.Select(f => $"{f.Object.Id} {f.Rule.Id} {f.Field}: {f.Message}")));
    }

    [Fact]
    public void Type_and_required_verdicts_agree_with_kubernetes_models_over_the_helm_create_chart_and_its_mutations()
    {
        var corpus = Corpus();
        var json = new JsonArray(corpus.Select(c => (JsonNode)new JsonObject
        {
            ["apiVersion"] = c.Object.ApiVersion, ["kind"] = c.Object.Kind, ["body"] = c.Object.Body.DeepClone(),
        }).ToArray()).ToJsonString();
        var script = RepoFiles.Path("tests", "Gatehouse.Analysis.Tests", "Charts", "Schema", "kubernetes-models-oracle.mjs");
        var verdicts = JsonSerializer.Deserialize<string[][][]>(Run("node", [script, NodeModules], null, json))!;
        Assert.Equal(corpus.Count, verdicts.Length);

        var kube = KubeMinor.Parse("1.35");
        var crds = CustomResources.From([]);
        var disagreements = new List<string>();
        var withProblems = 0;
        for (var i = 0; i < corpus.Count; i++)
        {
            var theirs = verdicts[i].Select(v => (v[0], v[1])).ToHashSet();
            var (problems, dropped) = ManifestSchema.Default.Check(corpus[i].Object, kube, crds);
            Assert.Equal(0, dropped);
            var ours = problems
                .Where(p => p.Rule != SchemaRules.UnknownField)
                .Select(p => (p.Pointer, p.Rule == SchemaRules.MissingRequired ? "required" : p.Rule == SchemaRules.WrongType ? "type" : p.Rule.Id))
                .ToHashSet();
            if (ours.Count > 0) withProblems++;
            if (!ours.SetEquals(theirs))
                disagreements.Add($"{corpus[i].Name} ({corpus[i].Object.Id}): ours [{string.Join(", ", ours.Order())}] kubernetes-models [{string.Join(", ", theirs.Order())}]");
        }
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        Assert.True(withProblems >= corpus.Count / 2, $"the corpus should be mostly broken objects, {withProblems} of {corpus.Count} were");
    }

    private sealed record Case(string Name, RenderedObject Object);

    [Fact]
    public void The_committed_schema_was_generated_from_the_kubernetes_models_version_the_tests_install()
    {
        // Regenerating takes ~1 s of node (9 s on a loaded machine), so the test compares versions; the generator is
        // deterministic: node eng/scripts/k8s-schema.mjs > rules/kubernetes/schema.json reproduces the file byte for byte.
        var locked = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoFiles.Path("tools", "helm", "package.json")))!["dependencies"]!["kubernetes-models"]!.GetValue<string>();
        Assert.Contains($"kubernetes-models {locked} ", KubernetesSchema.Default.Source, StringComparison.Ordinal);
    }

    /// <summary>Kinds helm create does not render, built here (valid as written).</summary>
    private static readonly string[] Extra =
    [
        """{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db"},"spec":{"serviceName":"db","replicas":1,"selector":{"matchLabels":{"app":"db"}},"template":{"metadata":{"labels":{"app":"db"}},"spec":{"containers":[{"name":"db","image":"postgres:17","volumeMounts":[{"name":"data","mountPath":"/var/lib/postgresql"}]}]}},"volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}""",
        """{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"backup"},"spec":{"schedule":"0 3 * * *","jobTemplate":{"spec":{"backoffLimit":2,"template":{"spec":{"restartPolicy":"OnFailure","containers":[{"name":"backup","image":"busybox:1.37","args":["sh","-c","date"]}]}}}}}}""",
        """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"np"},"spec":{"podSelector":{"matchLabels":{"app":"web"}},"policyTypes":["Ingress"],"ingress":[{"from":[{"podSelector":{}}],"ports":[{"port":"http","protocol":"TCP"},{"port":8080}]}]}}""",
        """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1"}}""",
        """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"type":"Opaque","data":{"token":"cGFzcw=="},"stringData":{"password":"p"}}""",
        """{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"pdb"},"spec":{"minAvailable":"50%","selector":{"matchLabels":{"app":"web"}}}}""",
        """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"rb"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"},"subjects":[{"kind":"ServiceAccount","name":"sa","namespace":"default"}]}""",
        """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"r"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]}]}""",
    ];

    /// <summary>The rendered chart and the extra kinds as they are, then each mutation applied to a copy of the object of its kind.</summary>
    private static List<Case> Corpus()
    {
        var rendered = RenderHelmCreate("1.35").Concat(Extra.Select((json, i) => Object(json, "templates/extra.yaml", i))).ToList();
        var cases = rendered.Select(o => new Case("as written", o)).ToList();
        foreach (var (name, kind, mutate) in Mutations)
        {
            var original = rendered.Single(o => o.Kind == kind);
            var body = original.Body.DeepClone().AsObject();
            mutate(body);
            cases.Add(new Case(name, FromBody(body, original.Template, original.Index)));
        }
        return cases;
    }

    private static JsonObject Pod(JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!.AsObject();

    private static JsonObject Container(JsonObject deployment) => Pod(deployment)["containers"]![0]!.AsObject();

    private static readonly (string Name, string Kind, Action<JsonObject> Mutate)[] Mutations =
    [
        ("container name removed", "Deployment", d => Container(d).Remove("name")),
        ("selector removed", "Deployment", d => d["spec"]!.AsObject().Remove("selector")),
        ("selector null", "Deployment", d => d["spec"]!["selector"] = null),
        ("containers removed", "Deployment", d => Pod(d).Remove("containers")),
        ("replicas as a string", "Deployment", d => d["spec"]!["replicas"] = "3"),
        ("replicas as a fraction", "Deployment", d => d["spec"]!["replicas"] = 1.5),
        ("replicas null", "Deployment", d => d["spec"]!["replicas"] = null),
        ("containerPort as a string", "Deployment", d => Container(d)["ports"]![0]!["containerPort"] = "80"),
        ("containerPort removed", "Deployment", d => Container(d)["ports"]![0]!.AsObject().Remove("containerPort")),
        ("probe port as an integer", "Deployment", d => Container(d)["livenessProbe"]!["httpGet"]!["port"] = 8080),
        ("probe port as a name", "Deployment", d => Container(d)["livenessProbe"]!["httpGet"]!["port"] = "web"),
        ("probe port as a fraction", "Deployment", d => Container(d)["livenessProbe"]!["httpGet"]!["port"] = 80.5),
        ("probe port as a boolean", "Deployment", d => Container(d)["livenessProbe"]!["httpGet"]!["port"] = true),
        ("cpu limit as a quantity", "Deployment", d => Container(d)["resources"] = new JsonObject { ["limits"] = new JsonObject { ["cpu"] = "500m", ["memory"] = "128Mi" } }),
        ("cpu limit as a number", "Deployment", d => Container(d)["resources"] = new JsonObject { ["limits"] = new JsonObject { ["cpu"] = 0.5 } }),
        ("cpu limit malformed", "Deployment", d => Container(d)["resources"] = new JsonObject { ["limits"] = new JsonObject { ["cpu"] = "lots" } }),
        ("cpu limit as a boolean", "Deployment", d => Container(d)["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = true } }),
        ("label as a number", "Deployment", d => d["metadata"]!["labels"]!["build"] = 42),
        ("annotation as a boolean", "Deployment", d => d["metadata"]!["annotations"] = new JsonObject { ["enabled"] = true }),
        ("runAsNonRoot as a string", "Deployment", d => Container(d)["securityContext"] = new JsonObject { ["runAsNonRoot"] = "true" }),
        ("image as a number", "Deployment", d => Container(d)["image"] = 1.0),
        ("containers as an object", "Deployment", d => Pod(d)["containers"] = new JsonObject { ["name"] = "web" }),
        ("container as a string", "Deployment", d => Pod(d)["containers"]![0] = "web"),
        ("pull policy outside its enumeration", "Deployment", d => Container(d)["imagePullPolicy"] = "Sometimes"),
        ("args with a number", "Deployment", d => Container(d)["args"] = new JsonArray("--port", 8080)),
        ("env value as a number", "Deployment", d => Container(d)["env"] = new JsonArray(new JsonObject { ["name"] = "PORT", ["value"] = 8080 })),
        ("env name removed", "Deployment", d => Container(d)["env"] = new JsonArray(new JsonObject { ["value"] = "x" })),
        ("several problems at once", "Deployment", d =>
        {
            d["spec"]!["replicas"] = "2";
            Container(d).Remove("name");
            Container(d)["ports"]![0]!["containerPort"] = "http";
            Pod(d)["hostNetwork"] = "false";
        }),
        ("service port removed", "Service", s => s["spec"]!["ports"]![0]!.AsObject().Remove("port")),
        ("service targetPort as an integer", "Service", s => s["spec"]!["ports"]![0]!["targetPort"] = 8080),
        ("service targetPort as a fraction", "Service", s => s["spec"]!["ports"]![0]!["targetPort"] = 1.25),
        ("service type outside its enumeration", "Service", s => s["spec"]!["type"] = "Public"),
        ("automount as a string", "ServiceAccount", a => a["automountServiceAccountToken"] = "false"),
        ("hpa maxReplicas removed", "HorizontalPodAutoscaler", h => h["spec"]!.AsObject().Remove("maxReplicas")),
        ("hpa scaleTargetRef kind removed", "HorizontalPodAutoscaler", h => h["spec"]!["scaleTargetRef"]!.AsObject().Remove("kind")),
        ("ingress pathType removed", "Ingress", i => i["spec"]!["rules"]![0]!["http"]!["paths"]![0]!.AsObject().Remove("pathType")),
        ("ingress backend port number as a string", "Ingress", i => i["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!["port"] = new JsonObject { ["number"] = "80" }),
        ("test pod restartPolicy outside its enumeration", "Pod", p => p["spec"]!["restartPolicy"] = "Sometimes"),
        ("test pod args as a string", "Pod", p => p["spec"]!["containers"]![0]!["args"] = "demo:80"),
        ("claim template storage malformed", "StatefulSet", s => s["spec"]!["volumeClaimTemplates"]![0]!["spec"]!["resources"]!["requests"]!["storage"] = "1 GB"),
        ("claim template accessModes as a string", "StatefulSet", s => s["spec"]!["volumeClaimTemplates"]![0]!["spec"]!["accessModes"] = "ReadWriteOnce"),
        ("serviceName removed", "StatefulSet", s => s["spec"]!.AsObject().Remove("serviceName")),
        ("cron schedule removed", "CronJob", c => c["spec"]!.AsObject().Remove("schedule")),
        ("cron backoffLimit as a string", "CronJob", c => c["spec"]!["jobTemplate"]!["spec"]!["backoffLimit"] = "2"),
        ("cron jobTemplate removed", "CronJob", c => c["spec"]!.AsObject().Remove("jobTemplate")),
        ("policy port as a fraction", "NetworkPolicy", n => n["spec"]!["ingress"]![0]!["ports"]![1]!["port"] = 80.5),
        ("policy podSelector removed", "NetworkPolicy", n => n["spec"]!.AsObject().Remove("podSelector")),
        ("configmap value as a number", "ConfigMap", c => c["data"]!["a"] = 1),
        ("configmap immutable as a string", "ConfigMap", c => c["immutable"] = "true"),
        ("secret stringData value as a boolean", "Secret", s => s["stringData"]!["enabled"] = true),
        ("secret data not base64", "Secret", s => s["data"]!["token"] = "pass word"),
        ("secret data base64 without padding", "Secret", s => s["data"]!["token"] = "cGFzcw"),
        ("configmap binaryData as base64", "ConfigMap", c => c["binaryData"] = new JsonObject { ["blob"] = "AAEC" }),
        ("pdb minAvailable as an integer", "PodDisruptionBudget", p => p["spec"]!["minAvailable"] = 1),
        ("pdb minAvailable as a fraction", "PodDisruptionBudget", p => p["spec"]!["minAvailable"] = 0.5),
        ("binding roleRef name removed", "RoleBinding", b => b["roleRef"]!.AsObject().Remove("name")),
        ("binding subject kind removed", "RoleBinding", b => b["subjects"]![0]!.AsObject().Remove("kind")),
        ("binding roleRef removed", "RoleBinding", b => b.Remove("roleRef")),
        ("role verbs removed", "Role", r => r["rules"]![0]!.AsObject().Remove("verbs")),
        ("role verbs as a string", "Role", r => r["rules"]![0]!["verbs"] = "get"),
    ];
}
