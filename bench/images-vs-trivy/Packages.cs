#:project ../../src/Gatehouse.Analysis/Gatehouse.Analysis.csproj
#:property TreatWarningsAsErrors=false
#:property PublishAot=false
#:property JsonSerializerIsReflectionEnabledByDefault=true
// Bench tool of bench/images-vs-trivy.sh (not part of Gatehouse.slnx, never in the test run): scans IMAGE.tar as a
// container with the pipeline `gatehouse check` builds (AnalyzerCatalog.CreatePipeline, no ClamAV, no advisories) and
// prints the scan's package inventory, which the JSON report does not carry: one line per package,
//   <canonical purl>\t<declared in>\t<layer>
//   dotnet run bench/images-vs-trivy/Packages.cs -- IMAGE.tar
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Pipeline;

var artifact = args[0];
var policy = Policy.Default with { RequiredEngines = [] };
var temp = Directory.CreateTempSubdirectory("images-vs-trivy-").FullName;
try
{
    using var engines = new EngineHandles(TimeProvider.System);
    var settings = new EngineSettings { TempDirectory = temp };
    var pipeline = AnalyzerCatalog.CreatePipeline(engines, settings, policy, TimeProvider.System);
    var report = await pipeline.ScanAsync(artifact, Path.GetFileName(artifact), "container", null, CancellationToken.None);
    foreach (var run in report.Analyzers.Where(r => r.Status != "ok")) Console.Error.WriteLine($"analyzer {run.Id} {run.Status}: {run.Error}");
    foreach (var p in report.Packages.DistinctBy(p => p.Purl.ToString()).OrderBy(p => p.Purl.ToString(), StringComparer.Ordinal))
        Console.WriteLine($"{p.Purl}\t{p.DeclaredIn}\t{p.Layer}");
}
finally
{
    Directory.Delete(temp, recursive: true);
}
