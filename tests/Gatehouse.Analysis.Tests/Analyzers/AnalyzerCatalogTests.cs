using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Tests.Analyzers;

public sealed class AnalyzerCatalogTests
{
    private static readonly EngineHandles Engines = new(TimeProvider.System);

    [Fact]
    public void The_file_type_analyzer_runs_first_and_clamav_only_with_an_endpoint()
    {
        var without = AnalyzerCatalog.Create(Engines, new EngineSettings(), Policy.Default, TimeProvider.System);
        var with = AnalyzerCatalog.Create(Engines, new EngineSettings { ClamdEndpoint = "tcp://127.0.0.1:3310" }, Policy.Default, TimeProvider.System);

        // After the file analyzers, the artifact analyzers that run once the walk is over: image checks, then the chart analyzer (Helm charts).
        Assert.Equal(["filetype", "malware.blocklist", "dependencies", "secrets", "malware.yara", "image.checks", "chart"], without.Select(a => a.Id));
        Assert.Equal(["filetype", "malware.blocklist", "dependencies", "secrets", "malware.yara", "malware.clamav", "image.checks", "chart"], with.Select(a => a.Id));
    }

    [Fact]
    public void The_engines_are_shared_between_pipelines()
    {
        var settings = new EngineSettings { ClamdEndpoint = "tcp://127.0.0.1:3310" };
        var first = AnalyzerCatalog.Create(Engines, settings, Policy.Default, TimeProvider.System);
        var second = AnalyzerCatalog.Create(Engines, settings, Policy.Default with { MaxNestingDepth = 2 }, TimeProvider.System);

        Assert.Same(first.Single(a => a.Id == "malware.yara"), second.Single(a => a.Id == "malware.yara"));
        Assert.Same(first.Single(a => a.Id == "malware.clamav"), second.Single(a => a.Id == "malware.clamav"));
        Assert.Same(Engines.ClamAvFor("tcp://127.0.0.1:3310"), Engines.ClamAvFor("tcp://127.0.0.1:3310"));
    }

    [Fact]
    public void Every_rule_of_every_analyzer_and_the_walker_is_listed_without_building_anything()
    {
        var settings = new EngineSettings { ClamdEndpoint = "tcp://127.0.0.1:3310" };
        var analyzers = AnalyzerCatalog.Create(Engines, settings, Policy.Default, TimeProvider.System)
            .Append(AnalyzerCatalog.CreateExpander(settings, Policy.Default, TimeProvider.System));
        var listed = AnalyzerCatalog.AllRules().Select(r => r.Id).ToHashSet(StringComparer.Ordinal);

        foreach (var analyzer in analyzers)
            foreach (var rule in analyzer.Rules)
                Assert.True(listed.Contains(rule.Id), $"{analyzer.Id} reports {rule.Id}, which AllRules() does not list");
        Assert.Contains(EngineUnavailableException.Rule.Id, listed);
        Assert.Equal(listed.Order(StringComparer.Ordinal), AnalyzerCatalog.AllRules().Select(r => r.Id));
    }

    [Fact]
    public void The_vulnerabilities_engine_runs_last_only_with_an_advisory_source_and_a_policy_can_require_it()
    {
        var without = AnalyzerCatalog.Create(Engines, new EngineSettings(), Policy.Default, TimeProvider.System);
        var with = AnalyzerCatalog.Create(Engines, new EngineSettings { Advisories = new Gatehouse.Analysis.Tests.Vulnerabilities.Matching.VulnerabilityFindingsTests.FixedSource([]) }, Policy.Default, TimeProvider.System);

        Assert.DoesNotContain(without, a => a.Id == "vulnerabilities");
        // The vulnerabilities engine runs after every file analyzer (it reads the inventory they fill), before the image checks.
        var vulnerabilities = with.Single(a => a.Id == "vulnerabilities");
        Assert.Equal(["vulnerabilities", "image.checks", "chart"], with.SkipWhile(a => a.Id != "vulnerabilities").Select(a => a.Id));
        Assert.Equal("vulnerabilities", ScanPipeline.EngineAnalyzerId("vulnerabilities"));
        Assert.Equal("malware.clamav", ScanPipeline.EngineAnalyzerId("clamav"));
        foreach (var rule in vulnerabilities.Rules) Assert.Contains(AnalyzerCatalog.AllRules(), r => r.Id == rule.Id);
    }

    [Fact]
    public void The_pipeline_rejects_an_analyzer_that_is_neither_a_file_nor_an_artifact_analyzer()
    {
        var expander = AnalyzerCatalog.CreateExpander(new EngineSettings(), Policy.Default, TimeProvider.System);

        Assert.Throws<ArgumentException>(() => new ScanPipeline([expander], null, Policy.Default, TimeProvider.System));
    }
}
