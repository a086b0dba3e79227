#:project ../../src/Gatehouse.Analysis/Gatehouse.Analysis.csproj
#:property TreatWarningsAsErrors=false
// Bench tool of bench/sbom-vs-trivy.sh (not part of Gatehouse.slnx, never in the test run): scans ARTIFACT with the
// engine's archive walker and `dependencies` analyzer (the two parts that decide a scan's package inventory, built by
// AnalyzerCatalog exactly as `gatehouse check` builds them), reads the purls of Trivy's CycloneDX document, and compares
// the two sets of canonical purls (PackageUrl: parsed, percent-encoding and qualifier order normalised).
//   dotnet run bench/sbom-vs-trivy/Compare.cs -- LABEL ARTIFACT TRIVY.json
// Prints one line per Trivy package Gatehouse does not list with the same purl, with the reason, then a summary line:
//   LABEL: trivy N, gatehouse M, same purl S, same package other qualifiers Q, other version V, missing X, only gatehouse G
using System.Diagnostics;
using System.Text.Json;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Analyzers.Dependencies;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Vulnerabilities.Packages;

var (label, artifact, trivyPath) = (args[0], args[1], args[2]);
var policy = Policy.Default with { RequiredEngines = [] };
var temp = Directory.CreateTempSubdirectory("sbom-vs-trivy-").FullName;
try
{
    var settings = new EngineSettings { TempDirectory = temp };
    var pipeline = new ScanPipeline([new DependenciesAnalyzer()], AnalyzerCatalog.CreateExpander(settings, policy, TimeProvider.System), policy, TimeProvider.System)
    {
        TempDirectory = temp,
    };
    var watch = Stopwatch.StartNew();
    var report = await pipeline.ScanAsync(artifact, Path.GetFileName(artifact), "downloadable", null, CancellationToken.None);
    watch.Stop();
    foreach (var f in report.Findings) Console.WriteLine($"  {label}: finding {f.RuleId}: {f.Message}");
    foreach (var run in report.Analyzers.Where(r => r.Status != "ok")) Console.WriteLine($"  {label}: analyzer {run.Id} {run.Status}: {run.Error}");

    var ours = report.Packages.Select(p => p.Purl).DistinctBy(p => p.ToString()).ToList();
    var ourSet = ours.Select(p => p.ToString()).ToHashSet(StringComparer.Ordinal);
    var theirs = new List<PackageUrl>();
    using (var doc = JsonDocument.Parse(File.ReadAllBytes(trivyPath)))
    {
        void Walk(JsonElement components)
        {
            foreach (var c in components.EnumerateArray())
            {
                if (c.TryGetProperty("purl", out var purl) && purl.GetString() is { } text)
                {
                    if (PackageUrl.TryParse(text, out var parsed, out var problem)) theirs.Add(parsed);
                    else Console.WriteLine($"  {label}: trivy purl {text} does not parse: {problem}");
                }
                if (c.TryGetProperty("components", out var inner)) Walk(inner);
            }
        }
        if (doc.RootElement.TryGetProperty("components", out var top)) Walk(top);
    }
    theirs = theirs.DistinctBy(p => p.ToString()).ToList();

    static string Key(PackageUrl p) => $"{p.Type}/{p.Namespace}/{p.Name}";
    var byName = ours.ToLookup(Key, StringComparer.Ordinal);
    int same = 0, qualifiers = 0, version = 0, missing = 0;
    foreach (var t in theirs.OrderBy(p => p.ToString(), StringComparer.Ordinal))
    {
        if (ourSet.Contains(t.ToString()))
        {
            same++;
            continue;
        }
        var candidates = byName[Key(t)].ToList();
        var sameVersion = candidates.Where(c => c.Version == t.Version).ToList();
        if (sameVersion.Count > 0)
        {
            qualifiers++;
            var o = sameVersion[0];
            var onlyOurs = o.Qualifiers.Where(q => !t.Qualifiers.TryGetValue(q.Key, out var v) || v != q.Value).Select(q => $"{q.Key}={q.Value}");
            var onlyTheirs = t.Qualifiers.Where(q => !o.Qualifiers.TryGetValue(q.Key, out var v) || v != q.Value).Select(q => $"{q.Key}={q.Value}");
            Console.WriteLine($"  {label}: qualifiers differ: trivy {t} / gatehouse {o} (gatehouse only: {string.Join(',', onlyOurs)}; trivy only: {string.Join(',', onlyTheirs)})");
        }
        else if (candidates.Count > 0)
        {
            version++;
            Console.WriteLine($"  {label}: other version: trivy {t} / gatehouse {string.Join(' ', candidates.Select(c => c.Version))}");
        }
        else
        {
            missing++;
            Console.WriteLine($"  {label}: missing: trivy {t}");
        }
    }
    var theirKeys = theirs.Select(Key).ToHashSet(StringComparer.Ordinal);
    var onlyGatehouse = ours.Where(o => !theirKeys.Contains(Key(o))).ToList();
    foreach (var o in onlyGatehouse.Take(10)) Console.WriteLine($"  {label}: only gatehouse: {o}");
    if (onlyGatehouse.Count > 10) Console.WriteLine($"  {label}: only gatehouse: ... {onlyGatehouse.Count - 10} more");
    Console.WriteLine($"{label}: trivy {theirs.Count}, gatehouse {ours.Count}, same purl {same}, same package other qualifiers {qualifiers}, "
        + $"other version {version}, missing {missing}, only gatehouse {onlyGatehouse.Count} (gatehouse scan {watch.ElapsedMilliseconds} ms)");
}
finally
{
    Directory.Delete(temp, recursive: true);
}
