using System.Text.Json.Nodes;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Charts.Rules;

namespace Gatehouse.Analysis.Tests.Charts.Rules;

/// <summary>
/// Rendered objects are whatever a chart's templates produce: every rule must survive any field of any type (a wrong type
/// is the schema validation's finding). Each field of a misconfigured workload, role, binding, service and policy is
/// replaced in turn by null, a number, a list and an object.
/// </summary>
public sealed class ManifestRulesRobustnessTests
{
    private const string Everything = """
        apiVersion: apps/v1
        kind: CronJob
        metadata:
          name: job
          namespace: kube-system
          annotations: {helm.sh/hook: pre-install}
        spec:
          jobTemplate:
            spec:
              template:
                metadata:
                  labels: {app: job}
                  annotations: {container.apparmor.security.beta.kubernetes.io/app: unconfined}
                spec:
                  hostNetwork: true
                  serviceAccountName: app
                  securityContext: {runAsUser: 0, fsGroup: 0, supplementalGroups: [0], sysctls: [{name: kernel.msgmax, value: "1"}], seccompProfile: {type: Unconfined}}
                  containers:
                    - name: app
                      image: nginx
                      env: [{name: DB_PASSWORD, value: hunter2-prod}]
                      ports: [{name: http, containerPort: 80, hostPort: 80}]
                      resources: {requests: {cpu: 1}, limits: {memory: 1Gi}}
                      securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN], drop: [ALL]}, seLinuxOptions: {type: spc_t}, procMount: Unmasked}
                  volumes: [{name: h, hostPath: {path: /etc}}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: r}
        rules: [{apiGroups: ["*"], resources: ["*", secrets, pods/exec], verbs: ["*", get, bind], resourceNames: [a]}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: b}
        roleRef: {kind: ClusterRole, name: cluster-admin}
        subjects: [{kind: Group, name: "system:anonymous"}, {kind: ServiceAccount, name: app}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        spec: {type: LoadBalancer, externalIPs: [1.2.3.4], loadBalancerSourceRanges: [10.0.0.0/8]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: n}
        spec: {podSelector: {matchLabels: {app: job}, matchExpressions: [{key: app, operator: In, values: [job]}]}}
        """;

    private static readonly Func<JsonNode?>[] WrongValues =
        [() => null, () => JsonValue.Create(7L), () => new JsonArray(JsonValue.Create("x")), () => new JsonObject { ["k"] = true }];

    [Fact]
    public void Any_field_of_any_type_never_throws()
    {
        var objects = Manifests.Parse(Everything);
        var baseline = ManifestRules.Check(objects, new ManifestCheckOptions("1.35")).Count();
        Assert.True(baseline > 20);
        var checkedVariants = 0;
        for (var o = 0; o < objects.Count; o++)
        {
            foreach (var path in Paths(objects[o].Body, []))
            {
                foreach (var wrong in WrongValues)
                {
                    var body = (JsonObject)objects[o].Body.DeepClone();
                    Set(body, path, wrong());
                    var variant = objects.ToList();
                    variant[o] = objects[o] with { Body = body };
                    _ = ManifestRules.Check(variant, new ManifestCheckOptions("1.35")).ToList();
                    checkedVariants++;
                }
            }
        }
        Assert.True(checkedVariants > 400, $"{checkedVariants}");
    }

    /// <summary>Every node's path (keys and indexes) below <paramref name="node"/>.</summary>
    private static IEnumerable<object[]> Paths(JsonNode? node, object[] prefix)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    object[] path = [.. prefix, key];
                    yield return path;
                    foreach (var p in Paths(child, path)) yield return p;
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    object[] path = [.. prefix, i];
                    yield return path;
                    foreach (var p in Paths(a[i], path)) yield return p;
                }
                break;
        }
    }

    private static void Set(JsonNode root, object[] path, JsonNode? value)
    {
        var parent = root;
        foreach (var step in path[..^1]) parent = step is string k ? parent[k]! : parent[(int)step]!;
        if (path[^1] is string key) parent[key] = value;
        else parent[(int)path[^1]] = value;
    }
}
