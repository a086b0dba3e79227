using System.Diagnostics;
using System.Text.Json.Nodes;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Tests.Requirements;
using Gatehouse.Analysis.Tests.Support;

namespace Gatehouse.Analysis.Tests.Charts.Schema;

/// <summary>Objects for the schema tests: built from JSON in code, or rendered from a real <c>helm create</c> chart with the Helm of GATEHOUSE_HELM.</summary>
internal static class SchemaTestObjects
{
    public static RenderedObject Object(string json, string template = "templates/test.yaml", int index = 0)
    {
        var body = JsonNode.Parse(json, documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 1000 })!.AsObject();
        return FromBody(body, template, index);
    }

    public static RenderedObject FromBody(JsonObject body, string template = "templates/test.yaml", int index = 0)
    {
        static string S(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
        var meta = body["metadata"] as JsonObject;
        var ns = S(meta?["namespace"]);
        return new RenderedObject("values.yaml", template, index, S(body["apiVersion"]), S(body["kind"]), S(meta?["name"]), ns.Length == 0 ? null : ns, body);
    }

    /// <summary>The helm create chart (<see cref="TestChart"/>) rendered for a Kubernetes version with the real Helm, its ingress and
    /// autoscaler switched on too, read by the chart analyzer's own parser (<see cref="RenderedOutput"/>).</summary>
    public static IReadOnlyList<RenderedObject> RenderHelmCreate(string kubeVersion)
    {
        using var chart = TestChart.Create();
        var yaml = chart.RunHelm("template", "demo", chart.Dir, "--kube-version", $"v{kubeVersion}.0",
            "--set", "ingress.enabled=true", "--set", "autoscaling.enabled=true", "--set", "serviceAccount.automount=false");
        return RenderedOutput.Parse(yaml, "values.yaml", ChartPolicy.Default);
    }

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
