using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts;

/// <summary>
/// Checks a Helm chart (issue 18): reads the <c>.tgz</c> as a hostile archive (<see cref="ChartArchive"/>), checks Chart.yaml,
/// the values schema and the dependency lock, renders the chart with the real Helm (<see cref="HelmRunner"/>) with its
/// default values and each values file the vendor declares, reads the output (<see cref="RenderedOutput"/>) and hands each
/// render's objects to the manifest rules and the schema validation. Fails closed: no Helm, a render that fails, times
/// out or writes too much makes the scan <c>incomplete</c> (the analyzer throws after reporting), never a pass.
/// </summary>
/// <remarks>
/// Values files a vendor declares: chart-testing's convention <c>ci/*-values.yaml</c>, and the Chart.yaml annotation
/// <c>gatehouse.dev/values-files</c> (comma-separated paths inside the chart). The same problem found under several
/// values files is one finding whose message names them.
/// </remarks>
public sealed partial class ChartAnalyzer : IArtifactAnalyzer
{
    /// <summary>The Chart.yaml annotation that declares values files to render with.</summary>
    public const string ValuesFilesAnnotation = "gatehouse.dev/values-files";

    /// <summary>The release name and namespace charts are rendered with.</summary>
    public const string ReleaseName = "release";

    /// <inheritdoc cref="ReleaseName"/>
    public const string Namespace = "default";

    /// <summary>YAML nodes of Chart.yaml or one values file (the largest public charts' values have a few thousand).</summary>
    public const int MaxInputYamlNodes = 200_000;

    private readonly string? _helmPath;
    private readonly string? _tempDirectory;

    public ChartAnalyzer(EngineSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _helmPath = settings.HelmPath;
        _tempDirectory = settings.TempDirectory;
    }

    /// <summary>Every rule this analyzer reports: its own and those of the manifest rules and schema it runs.</summary>
    public static IReadOnlyList<RuleDescriptor> AllRules =>
        [.. ChartRules.All, .. Charts.Rules.ManifestRules.All, .. Schema.ManifestSchema.AllRules];

    public string Id => "chart";

    public string Version => "1.0.0";

    public IReadOnlyList<RuleDescriptor> Rules => AllRules;

    /// <summary>Whether <paramref name="artifactType"/> is a Helm chart.</summary>
    public static bool IsChart(string artifactType) =>
        string.Equals(artifactType, "chart", StringComparison.OrdinalIgnoreCase) || string.Equals(artifactType, "helm-chart", StringComparison.OrdinalIgnoreCase);

    public async ValueTask AnalyzeAsync(ScanFile artifact, AnalysisContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        ArgumentNullException.ThrowIfNull(context);
        if (!IsChart(context.ArtifactType)) return;
        var policy = context.Policy.Charts;
        var root = artifact.Path;
        void Report(RuleDescriptor rule, string path, string message, string key, string? evidence = null, Severity? severity = null) =>
            context.Report(new Finding(rule.Id, severity ?? rule.DefaultSeverity, path, Bounded(message, 2000), Fingerprints.Of(rule.Id, key))
            {
                RequirementId = rule.RequirementId,
                AnalyzerId = Id,
                Evidence = evidence is null ? null : Bounded(evidence, 300),
            });

        // 1. The archive, in memory and bounded.
        ChartPackage chart;
        try
        {
            // The compressed file cannot be larger than what it may decompress to, give or take gzip's framing.
            if (artifact.Length > policy.MaxTotalBytes + (1 << 20))
                throw new ChartException("chart.unreadable", $"the chart archive is {artifact.Length} bytes, more than the policy allows (charts.maxTotalBytes {policy.MaxTotalBytes})");
            await using var stream = artifact.Open();
            chart = ChartArchive.Read(stream, policy);
        }
        catch (ChartException ex)
        {
            Report(ChartRules.Of(ex.Code), root, $"{ex.Message}; nothing was rendered", "archive");
            return;
        }

        // 2. Chart.yaml and the other files Helm reads before rendering, as YAML with a node budget.
        var chartYamlPath = $"{root}!/{chart.Root}/Chart.yaml";
        JsonObject meta;
        try
        {
            meta = ReadYaml(chart, "Chart.yaml", policy) as JsonObject
                ?? throw new ChartException("chart.unreadable", chart.File("Chart.yaml") is null ? "the chart has no Chart.yaml" : "Chart.yaml is no YAML mapping");
            foreach (var values in ValuesFiles(chart, meta).Prepend("values.yaml"))
                if (chart.File(values) is not null) ReadYaml(chart, values, policy);
        }
        catch (ChartException ex)
        {
            Report(ChartRules.Unreadable, root, $"{ex.Message}; nothing was rendered", "metadata");
            return;
        }

        var name = Text(meta, "name") ?? "";
        var version = Text(meta, "version") ?? "";
        var declaredKube = Text(meta, "kubeVersion");
        CheckMetadata(chart, meta, chartYamlPath, Report);
        CheckValuesSchema(chart, root, Report);
        foreach (var (message, key) in ChartDependencies.Check(chart, meta, policy))
            Report(ChartRules.DependenciesUnlocked, $"{root}!/{chart.Root}/Chart.lock", message, "deps\0" + key);

        var declared = ValuesFiles(chart, meta);
        foreach (var missing in declared.Where(v => chart.File(v) is null))
            Report(ChartRules.Metadata, chartYamlPath, $"the values file {missing} that Chart.yaml's {ValuesFilesAnnotation} annotation declares is not in the chart", "values-missing\0" + missing, missing);
        var renders = new List<string> { "values.yaml" };
        renders.AddRange(declared.Where(v => chart.File(v) is not null && v != "values.yaml"));
        var failures = new List<string>();
        if (renders.Count > policy.MaxRenders)
        {
            failures.Add($"the chart declares {renders.Count - 1} values files; the policy renders at most {policy.MaxRenders} (charts.maxRenders), so {string.Join(", ", renders.Skip(policy.MaxRenders))} were not rendered");
            renders = renders.Take(policy.MaxRenders).ToList();
        }

        // 3. Kubernetes version.
        var kube = KubeVersions.Pick(declaredKube);
        var summaryKube = kube ?? KubeVersions.Newest;
        ChartSummary Summary(string? helmVersion, IReadOnlyList<ChartRender> done, IReadOnlyList<ChartImageUse> images) =>
            new(name, version, Text(meta, "appVersion"), declaredKube, summaryKube, helmVersion, done, images);
        List<ChartRender> Skipped(string why) => renders.Select(v => new ChartRender(v, "skipped", why, ValuesDigest(chart, v), [])).ToList();

        if (string.Equals(Text(meta, "type"), "library", StringComparison.Ordinal))
        {
            // A library chart installs nothing: there is nothing to render.
            if (context.Chart is { } lf) lf.Summary = Summary(null, Skipped("a library chart is not installable; it has nothing to render"), []);
            if (failures.Count > 0) throw new InvalidDataException(string.Join("; ", failures));
            return;
        }
        if (kube is null)
        {
            Report(ChartRules.KubeVersion, chartYamlPath,
                $"kubeVersion {declaredKube} allows none of the Kubernetes versions Gatehouse supports ({string.Join(", ", KubeVersions.Supported)}) or is no valid constraint",
                "kube-version", $"kubeVersion: {declaredKube}");
            if (context.Chart is { } kf) kf.Summary = Summary(null, Skipped("no supported Kubernetes version satisfies kubeVersion"), []);
            throw new InvalidDataException($"the chart was not rendered: kubeVersion {declaredKube} allows no supported Kubernetes version");
        }

        // 4. Helm.
        var helm = HelmRunner.Locate(_helmPath);
        if (helm is null)
        {
            var why = _helmPath is null
                ? $"no Helm found (set --helm, {HelmRunner.EnvironmentVariable} or put helm on the PATH)"
                : $"the configured Helm {_helmPath} does not exist";
            if (context.Chart is { } nf) nf.Summary = Summary(null, Skipped(why), []);
            throw new EngineUnavailableException("helm", why, null);
        }

        var scratch = CreateScratch(context.TempDirectory ?? _tempDirectory ?? Path.GetTempPath());
        try
        {
            var helmVersion = await HelmRunner.VersionAsync(helm, scratch, ct).ConfigureAwait(false);
            if (helmVersion is null)
            {
                if (context.Chart is { } vf) vf.Summary = Summary(null, Skipped($"{helm} did not answer helm version"), []);
                throw new EngineUnavailableException("helm", $"{helm} did not answer helm version --short", null);
            }

            // Helm renders the validated files, repacked by us: never the vendor's raw archive, never a folder Helm would
            // filter through the chart's own .helmignore (which helm install from the .tgz would not).
            var tgz = Path.Combine(scratch, "chart.tgz");
            await using (var file = PrivateFile(tgz))
                ChartArchive.Write(file, chart.Root, chart.Files);

            var done = new List<ChartRender>();
            var found = new List<(string Values, ManifestFinding Finding)>();
            var images = new Dictionary<string, (string? Digest, List<string> Objects)>(StringComparer.Ordinal);
            var imageOrder = new List<string>();
            var options = new ManifestCheckOptions(kube, declaredKube);
            for (var i = 0; i < renders.Count; i++)
            {
                var values = renders[i];
                var args = new List<string> { "template", ReleaseName, tgz, "--namespace", Namespace, "--kube-version", kube + ".0", "--include-crds" };
                if (i > 0)
                {
                    var valuesPath = Path.Combine(scratch, $"values-{i}.yaml");
                    await using (var vf = PrivateFile(valuesPath))
                        await vf.WriteAsync(chart.File(values), ct).ConfigureAwait(false);
                    args.Add("-f");
                    args.Add(valuesPath);
                }
                var digest = ValuesDigest(chart, values);
                var result = await HelmRunner.RunAsync(helm, args, scratch, policy.RenderTimeout, policy.MaxRenderBytes, ct).ConfigureAwait(false);
                string? error = null;
                List<RenderedObject> objects = [];
                if (result.TimedOut) error = $"helm template did not finish within {policy.RenderTimeout.TotalSeconds:0.#} s (policy charts.renderTimeout); it was stopped";
                else if (result.OutputLimit) error = $"helm template wrote more than {policy.MaxRenderBytes} bytes (policy charts.maxRenderBytes); it was stopped";
                else if (result.ExitCode != 0) error = HelmMessage(result.Stderr, scratch, chart.Root);
                else
                {
                    try
                    {
                        objects = RenderedOutput.Parse(Encoding.UTF8.GetString(result.Stdout), values, policy);
                    }
                    catch (ChartException ex)
                    {
                        error = ex.Message;
                    }
                }
                if (error is not null)
                {
                    Report(ChartRules.RenderFailed, chartYamlPath, $"helm template failed with {values}: {error}", "render\0" + values, values);
                    failures.Add($"the chart did not render with {values}: {Bounded(error, 300)}");
                    done.Add(new ChartRender(values, "failed", Bounded(error, 2000), digest, []));
                    continue;
                }
                done.Add(new ChartRender(values, "rendered", null, digest,
                    objects.Select(o => new ChartObjectSummary(o.Kind, o.Name, o.Namespace, o.Template, o.ApiVersion)).ToList()));
                CollectImages(objects, images, imageOrder);
                foreach (var f in Charts.Rules.ManifestRules.Check(objects, options).Concat(Schema.ManifestSchema.Default.Validate(objects, options)))
                    found.Add((values, f));
            }

            foreach (var finding in Merge(found, renders.Count, root, Id))
                context.Report(finding);
            var imageList = imageOrder.Select(r => new ChartImageUse(r, images[r].Digest, images[r].Objects)).ToList();
            if (context.Chart is { } facts) facts.Summary = Summary(helmVersion, done, imageList);
            if (failures.Count > 0) throw new InvalidDataException(string.Join("; ", failures));
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// The findings of every render as report findings at <c>{root}!/{template}#{object}</c>, fingerprinted by rule, template,
    /// object and field (never the values file): the same problem under several values files is one finding, in the order
    /// first found, whose message names the values files it was found with (when more than one render ran).
    /// </summary>
    internal static List<Finding> Merge(IEnumerable<(string Values, ManifestFinding Finding)> found, int renders, string root, string analyzerId)
    {
        var merged = new Dictionary<string, (ManifestFinding Finding, List<string> Values)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (values, f) in found)
        {
            var key = Fingerprints.Of(f.Rule.Id, f.Object.Template, f.Object.Id, f.Field);
            if (merged.TryGetValue(key, out var m))
            {
                if (!m.Values.Contains(values)) m.Values.Add(values);
                continue;
            }
            merged[key] = (f, [values]);
            order.Add(key);
        }
        return order.Select(key =>
        {
            var (f, values) = merged[key];
            var message = renders > 1 ? $"{f.Message} (with {string.Join(", ", values)})" : f.Message;
            return new Finding(f.Rule.Id, f.Severity ?? f.Rule.DefaultSeverity, ChartPaths.Of(root, f.Object), Bounded(message, 2000), key)
            {
                RequirementId = f.Rule.RequirementId,
                AnalyzerId = analyzerId,
                Evidence = f.Evidence is null ? null : Bounded(f.Evidence, 300),
            };
        }).ToList();
    }

    /// <summary>Values files the vendor declares: <c>ci/*-values.yaml</c> and the <see cref="ValuesFilesAnnotation"/> annotation, in that order, each once.</summary>
    internal static List<string> ValuesFiles(ChartPackage chart, JsonObject meta)
    {
        var list = new List<string>();
        foreach (var path in chart.Files.Keys)
            if (CiValues().IsMatch(path)) list.Add(path);
        if (meta["annotations"] is JsonObject annotations && annotations[ValuesFilesAnnotation] is JsonValue v)
        {
            foreach (var raw in v.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var p = raw.StartsWith("./", StringComparison.Ordinal) ? raw[2..] : raw;
                if (p.Length == 0 || p.StartsWith('/') || p.Split('/').Any(s => s is ".." or "." or "")) continue;
                if (!list.Contains(p)) list.Add(p);
            }
        }
        return list;
    }

    private static void CheckMetadata(ChartPackage chart, JsonObject meta, string path, Action<RuleDescriptor, string, string, string, string?, Severity?> report)
    {
        var problems = new List<string>();
        var api = Text(meta, "apiVersion");
        if (api != "v2") problems.Add(api is null ? "apiVersion is missing (must be v2)" : $"apiVersion is {api} (must be v2)");
        var name = Text(meta, "name");
        if (string.IsNullOrWhiteSpace(name)) problems.Add("name is missing");
        else if (name is "." or ".." || name.IndexOfAny(['/', '\\']) >= 0) problems.Add($"name {name} is not a valid chart name");
        else if (name != chart.Root) problems.Add($"name {name} differs from the archive's folder {chart.Root}/");
        var version = Text(meta, "version");
        if (string.IsNullOrWhiteSpace(version)) problems.Add("version is missing");
        else if (meta["version"] is JsonValue jv && jv.GetValueKind() != System.Text.Json.JsonValueKind.String) problems.Add($"version {version} is a YAML number, not a SemVer 2 string (quote it)");
        else if (!Vulnerabilities.Versions.SemVer2VersionScheme.Instance.IsValid(version)) problems.Add($"version {version} is not a SemVer 2 version");
        var type = Text(meta, "type");
        if (type is not (null or "" or "application" or "library")) problems.Add($"type {type} is neither application nor library");
        if (problems.Count > 0)
            report(ChartRules.Metadata, path, "Chart.yaml is invalid: " + string.Join("; ", problems), "metadata\0invalid", string.Join("; ", problems), null);

        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(Text(meta, "appVersion"))) missing.Add("appVersion");
        if (meta["maintainers"] is not JsonArray { Count: > 0 }) missing.Add("maintainers");
        if (meta["sources"] is not JsonArray { Count: > 0 }) missing.Add("sources");
        if (missing.Count > 0)
            report(ChartRules.Metadata, path, $"Chart.yaml has no {string.Join(", ", missing)}", "metadata\0incomplete", string.Join(", ", missing), Severity.Low);
    }

    private static void CheckValuesSchema(ChartPackage chart, string root, Action<RuleDescriptor, string, string, string, string?, Severity?> report)
    {
        var bytes = chart.File("values.schema.json");
        var path = $"{root}!/{chart.Root}/values.schema.json";
        if (bytes is null)
        {
            report(ChartRules.ValuesSchema, path, "The chart has no values.schema.json, so Helm accepts any value, mistyped ones included", "values-schema", null, null);
            return;
        }
        try
        {
            if (JsonNode.Parse(bytes, documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 64 }) is JsonObject) return;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        report(ChartRules.ValuesSchema, path, "values.schema.json is no JSON object", "values-schema", null, Severity.Medium);
    }

    /// <summary>Every image of every container, init container and ephemeral container of every pod template (CronJobs included).</summary>
    private static void CollectImages(List<RenderedObject> objects, Dictionary<string, (string? Digest, List<string> Objects)> images, List<string> order)
    {
        foreach (var o in objects)
        {
            foreach (var spec in PodSpecs(o.Body))
            {
                foreach (var list in new[] { "containers", "initContainers", "ephemeralContainers" })
                {
                    if (spec[list] is not JsonArray containers) continue;
                    foreach (var c in containers.OfType<JsonObject>())
                    {
                        if (c["image"] is not JsonValue iv || iv.ToString() is not { Length: > 0 } image) continue;
                        var where = $"{o.Template}#{o.Id}";
                        if (!images.TryGetValue(image, out var use))
                        {
                            var m = DigestPattern().Match(image);
                            images[image] = use = (m.Success ? m.Value[1..] : null, []);
                            order.Add(image);
                        }
                        if (!use.Objects.Contains(where)) use.Objects.Add(where);
                    }
                }
            }
        }
    }

    /// <summary>The pod specs of an object: a Pod's spec, a CronJob's job template's, and <c>spec.template.spec</c> of the rest.</summary>
    internal static IEnumerable<JsonObject> PodSpecs(JsonObject body)
    {
        var kind = body["kind"] is JsonValue k ? k.ToString() : "";
        var spec = body["spec"] as JsonObject;
        if (spec is null) yield break;
        if (kind == "Pod") yield return spec;
        else if (kind == "CronJob")
        {
            if ((((spec["jobTemplate"] as JsonObject)?["spec"] as JsonObject)?["template"] as JsonObject)?["spec"] is JsonObject s) yield return s;
        }
        else if ((spec["template"] as JsonObject)?["spec"] is JsonObject t) yield return t;
    }

    private static string ValuesDigest(ChartPackage chart, string values) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(chart.File(values) ?? []));

    private static JsonNode? ReadYaml(ChartPackage chart, string path, ChartPolicy policy)
    {
        if (chart.File(path) is not { } bytes) return null;
        try
        {
            return new ChartYaml(Math.Min(policy.MaxYamlNodes, MaxInputYamlNodes)).ReadOne(Encoding.UTF8.GetString(bytes));
        }
        catch (ChartYamlException ex)
        {
            throw new ChartException("chart.unreadable", $"{path} is {ex.Message}");
        }
    }

    /// <summary>Helm's error, bounded, without our scratch folder's path.</summary>
    private static string HelmMessage(string stderr, string scratch, string root)
    {
        var text = stderr.Replace(scratch + Path.DirectorySeparatorChar, "", StringComparison.Ordinal).Replace(scratch, "", StringComparison.Ordinal).Trim();
        if (text.Length == 0) text = "helm template exited with an error and said nothing";
        return Bounded(text, 1500);
    }

    /// <summary>A new private (0700) folder under <paramref name="parent"/>.</summary>
    private static string CreateScratch(string parent)
    {
        var path = Path.Combine(parent, "gh-chart-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static FileStream PrivateFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, options);
    }

    private static string? Text(JsonObject o, string key) => o[key] is JsonValue v ? v.ToString() : null;

    private static string Bounded(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    [GeneratedRegex(@"^ci/[^/]+-values\.yaml$")]
    private static partial Regex CiValues();

    [GeneratedRegex("@sha256:[0-9a-f]{64}$")]
    private static partial Regex DigestPattern();
}
