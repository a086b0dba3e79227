using System.Text;
using Gatehouse.Analysis.Analyzers.Secrets;
using Gatehouse.Analysis.Images.Checks;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Rules;

/// <summary>
/// Secrets written into manifests: literal env values and ConfigMap data. Each value runs through the engine's own secret
/// rules (<see cref="SecretRuleSet"/>, what the <c>secrets</c> analyzer runs on files), and a value whose name says password,
/// secret, token or API key and that is no placeholder is reported too (<see cref="ConfigSecrets"/>' test, as for an image's
/// ENV). Evidence is redacted: a secret rule's match as everywhere in the engine (at most the first and last four
/// characters), a name-only match not at all.
/// </summary>
internal static class ManifestSecretRules
{
    public static readonly RuleDescriptor SecretInEnv = new(
        "k8s.secret-in-env", "Secret in a literal env value", Severity.High, "GH-HELM-9",
        "A container's env sets a credential as a literal value (a secret rule matched, or a PASSWORD/SECRET/TOKEN/API_KEY "
        + "variable with a real value): everyone who can read the chart or the workload reads it, and every installation "
        + "shares it. Reference a Secret (valueFrom.secretKeyRef) the installer creates.");

    public static readonly RuleDescriptor SecretInConfigMap = new(
        "k8s.secret-in-configmap", "Secret in a ConfigMap", Severity.High, "GH-HELM-9",
        "A ConfigMap's data holds a credential. ConfigMaps are not protected like Secrets (readable by anyone who may read "
        + "configuration, not encrypted at rest). Move it to a Secret the installer provides.");

    public static IReadOnlyList<RuleDescriptor> All { get; } = [SecretInEnv, SecretInConfigMap];

    /// <summary>Values longer than this are cut before the scan (a rendered manifest is at most a few MiB).</summary>
    private const int MaxValueChars = 64 << 10;

    public static IEnumerable<ManifestFinding> CheckEnv(PodTemplate pod)
    {
        foreach (var c in pod.AllContainers())
            foreach (var (env, index) in Json.Items(c.Node, "env"))
            {
                if (Json.Get(env, "valueFrom") is not null) continue;
                if (Json.Scalar(Json.Get(env, "value")) is not { Length: > 0 } value) continue;
                var name = Json.Str(env, "name") ?? "";
                foreach (var f in Scan(SecretInEnv, pod.Object, $"{c.Path}.env{Json.Item(env, index)}.value", $"The {c.Label}'s env {name}", name, value))
                    yield return f;
            }
    }

    public static IEnumerable<ManifestFinding> CheckConfigMap(RenderedObject obj)
    {
        if (obj.Kind != "ConfigMap" || Json.Obj(obj.Body, "data") is not { } data) yield break;
        foreach (var (key, node) in data)
        {
            if (Json.Scalar(node) is not { Length: > 0 } value) continue;
            foreach (var f in Scan(SecretInConfigMap, obj, $"data[{key}]", $"The ConfigMap's key {key}", key, value))
                yield return f;
        }
    }

    private static IEnumerable<ManifestFinding> Scan(RuleDescriptor rule, RenderedObject obj, string field, string where, string name, string value)
    {
        if (value.Length > MaxValueChars) value = value[..MaxValueChars];
        // A one-line value is scanned as NAME=value (rules keyed on the name see it); a file-like value as the file.
        var text = value.Contains('\n', StringComparison.Ordinal) ? value : $"{name}={value}\n";
        var matches = RunSecretRules(text);
        foreach (var m in matches)
            yield return ManifestRules.Found(rule, obj, field,
                $"{where} holds what the {m.RuleId} rule matches: move it to a Secret and reference it (valueFrom.secretKeyRef or a mounted Secret).",
                $"{m.RuleId}: {m.Evidence ?? SecretText.Redacted}", m.Severity);
        if (matches.Count == 0 && !value.Contains('\n', StringComparison.Ordinal) && ConfigSecrets.IsCredentialName(name) && !ConfigSecrets.IsPlaceholder(value))
            yield return ManifestRules.Found(rule, obj, field,
                $"{where} sets a credential ({name}) to a literal value: move it to a Secret and reference it (valueFrom.secretKeyRef).",
                // A password has no structure whose ends help a reviewer (unlike a token's prefix): none of it is shown.
                $"{name}={SecretText.Redacted}", Severity.Medium);
    }

    private static List<Finding> RunSecretRules(string text)
    {
        var found = new List<Finding>();
        // The scan's file name is neutral: a variable called TEST_TOKEN must not make the value "test data".
        var scan = new SecretScan(SecretRuleSet.Default, "manifest", "manifest", found.Add);
        var bytes = Encoding.UTF8.GetBytes(text);
        using var stream = new MemoryStream(bytes, writable: false);
        // In memory: the scan completes synchronously, and the rules run in an iterator that cannot await.
        scan.RunAsync(stream, bytes.Length, CancellationToken.None).GetAwaiter().GetResult();
        return found;
    }
}
