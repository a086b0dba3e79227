using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Tests.Requirements;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gatehouse.Analysis.Tests.Charts.Schema;

/// <summary>
/// Objects for the schema tests: built from JSON in code, or rendered from a real <c>helm create</c> chart with the Helm of
/// GATEHOUSE_HELM and read with YAML 1.2's core schema (the engine's own reader is the chart analyzer's; this one is only
/// what the tests need).
/// </summary>
internal static partial class SchemaTestObjects
{
    public static RenderedObject Object(string json, string template = "templates/test.yaml", int index = 0)
    {
        var body = JsonNode.Parse(json)!.AsObject();
        return FromBody(body, template, index);
    }

    public static RenderedObject FromBody(JsonObject body, string template = "templates/test.yaml", int index = 0)
    {
        static string S(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
        var meta = body["metadata"] as JsonObject;
        var ns = S(meta?["namespace"]);
        return new RenderedObject("values.yaml", template, index, S(body["apiVersion"]), S(body["kind"]), S(meta?["name"]), ns.Length == 0 ? null : ns, body);
    }

    public static string Helm => Environment.GetEnvironmentVariable("GATEHOUSE_HELM") is { Length: > 0 } helm
        ? helm
        : throw new InvalidOperationException("GATEHOUSE_HELM is not set: run the tests with test.sh, or export GATEHOUSE_HELM=$(eng/scripts/helm.sh)");

    /// <summary><c>helm create demo</c> once per test process, in a temporary folder.</summary>
    private static readonly Lazy<string> CreatedChart = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("gh-schema-").FullName;
        Run(Helm, ["create", "demo"], dir);
        return Path.Combine(dir, "demo");
    });

    /// <summary>The helm create chart rendered for a Kubernetes version, with its ingress and autoscaler switched on too.</summary>
    public static IReadOnlyList<RenderedObject> RenderHelmCreate(string kubeVersion)
    {
        var yaml = Run(Helm, ["template", "demo", CreatedChart.Value, "--kube-version", $"v{kubeVersion}.0",
            "--set", "ingress.enabled=true", "--set", "autoscaling.enabled=true", "--set", "serviceAccount.automount=false"], null);
        return ReadYaml(yaml);
    }

    public static IReadOnlyList<RenderedObject> ReadYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var objects = new List<RenderedObject>();
        foreach (var doc in stream.Documents)
        {
            if (doc.RootNode is not YamlMappingNode map) continue;
            var body = Convert(map)!.AsObject();
            objects.Add(FromBody(body, "templates/rendered.yaml", objects.Count));
        }
        return objects;
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? "", Convert(kv.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(Convert).ToArray()),
        YamlScalarNode v => Scalar(v),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };

    // YAML 1.2 core schema for plain scalars; quoted scalars are strings.
    private static JsonNode? Scalar(YamlScalarNode v)
    {
        var text = v.Value ?? "";
        if (v.Style != ScalarStyle.Plain) return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (text is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE") return JsonValue.Create(false);
        if (IntPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (FloatPattern().IsMatch(text)) return JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture));
        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    public static string Run(string file, IEnumerable<string> args, string? workDir, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false,
            WorkingDirectory = workDir ?? Path.GetTempPath(),
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"{file} did not finish in 60 s"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    /// <summary>tools/helm/node_modules, where eng/scripts/helm.sh installs kubernetes-models.</summary>
    public static string NodeModules
    {
        get
        {
            var dir = RepoFiles.Path("tools", "helm", "node_modules");
            return Directory.Exists(Path.Combine(dir, "kubernetes-models"))
                ? dir
                : throw new InvalidOperationException($"{dir}/kubernetes-models is missing: run eng/scripts/helm.sh (test.sh does)");
        }
    }
}
