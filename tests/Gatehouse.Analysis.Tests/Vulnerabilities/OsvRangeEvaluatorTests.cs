using System.Diagnostics;
using Gatehouse.Analysis.Vulnerabilities.Osv;
using Gatehouse.Analysis.Vulnerabilities.Versions;
using static Gatehouse.Analysis.Vulnerabilities.Osv.OsvAffectedness;

namespace Gatehouse.Analysis.Tests.Vulnerabilities;

public sealed class OsvRangeEvaluatorTests
{
    private static readonly IVersionScheme Eco = DottedNumericTestScheme.Instance;

    // Real advisories: affected versions, the fixed version itself, just below introduced, another package, another ecosystem.
    [Theory]
    [InlineData("GHSA-p6mc-m468-83gw", "npm", "lodash", "4.17.19", Affected)]
    [InlineData("GHSA-p6mc-m468-83gw", "npm", "lodash", "0.1.0", Affected)]
    [InlineData("GHSA-p6mc-m468-83gw", "npm", "lodash", "4.17.20", NotAffected)] // the fixed version
    [InlineData("GHSA-p6mc-m468-83gw", "npm", "lodash", "4.17.21", NotAffected)]
    [InlineData("GHSA-p6mc-m468-83gw", "npm", "lodash-es", "4.17.15", Affected)] // the record's second entry
    [InlineData("GHSA-p6mc-m468-83gw", "npm", "underscore", "1.0.0", NotAffected)] // other name
    [InlineData("GHSA-p6mc-m468-83gw", "npm", "Lodash", "4.17.19", NotAffected)] // names compare exactly
    [InlineData("GHSA-p6mc-m468-83gw", "PyPI", "lodash", "4.17.19", NotAffected)] // other ecosystem
    [InlineData("GHSA-j8r2-6x86-q33q", "PyPI", "requests", "2.3.0", Affected)] // introduced is inclusive
    [InlineData("GHSA-j8r2-6x86-q33q", "PyPI", "requests", "2.30.0", Affected)]
    [InlineData("GHSA-j8r2-6x86-q33q", "PyPI", "requests", "2.2.1", NotAffected)] // just below introduced
    [InlineData("GHSA-j8r2-6x86-q33q", "PyPI", "requests", "2.31.0", NotAffected)]
    [InlineData("GHSA-j8r2-6x86-q33q", "PyPI", "requests", "2.31", NotAffected)] // same version for the scheme
    [InlineData("GHSA-5crp-9r3c-p9vr", "NuGet", "Newtonsoft.Json", "12.0.3", Affected)]
    [InlineData("GHSA-5crp-9r3c-p9vr", "NuGet", "Newtonsoft.Json", "13.0.1", NotAffected)]
    [InlineData("GHSA-4374-p667-p6c8", "Go", "golang.org/x/net", "0.16.0", Affected)]
    [InlineData("GHSA-4374-p667-p6c8", "Go", "golang.org/x/net", "0.17.0", NotAffected)]
    [InlineData("GHSA-4374-p667-p6c8", "Go", "golang.org/x/text", "0.3.0", NotAffected)]
    [InlineData("GHSA-jfh8-c2jp-5v3q", "Maven", "org.apache.logging.log4j:log4j-core", "2.14.1", Affected)]
    [InlineData("GHSA-jfh8-c2jp-5v3q", "Maven", "org.apache.logging.log4j:log4j-core", "2.15.0", NotAffected)]
    [InlineData("GHSA-jfh8-c2jp-5v3q", "Maven", "org.apache.logging.log4j:log4j-core", "2.12.1", Affected)]
    [InlineData("GHSA-jfh8-c2jp-5v3q", "Maven", "org.apache.logging.log4j:log4j-core", "2.12.2", NotAffected)] // backport fix
    [InlineData("GHSA-jfh8-c2jp-5v3q", "Maven", "org.apache.logging.log4j:log4j-core", "2.3.0", Affected)]
    [InlineData("GHSA-jfh8-c2jp-5v3q", "Maven", "org.apache.logging.log4j:log4j-core", "2.3.1", NotAffected)] // backport fix
    [InlineData("GHSA-jfh8-c2jp-5v3q", "Maven", "org.apache.logging.log4j:log4j-core", "2.16.0", NotAffected)]
    [InlineData("GHSA-jfh8-c2jp-5v3q", "Maven", "org.apache.logging.log4j:log4j-api", "2.14.1", NotAffected)]
    [InlineData("RUSTSEC-2019-0033", "crates.io", "http", "0.1.19", Affected)]
    [InlineData("RUSTSEC-2019-0033", "crates.io", "http", "0.1.20", NotAffected)]
    [InlineData("RUSTSEC-2019-0033", "crates.io", "http", "0.1.20-alpha.1", Affected)] // SEMVER: prerelease sorts before
    [InlineData("RUSTSEC-2019-0033", "crates.io", "http", "0.2.0", NotAffected)]
    [InlineData("RUSTSEC-2019-0033", "crates.io", "http", "v0.1.19", Unknown)] // not SemVer 2.0.0: never a silent "no"
    public void Real_advisories(string id, string ecosystem, string name, string version, OsvAffectedness expected) =>
        Assert.Equal(expected, OsvRangeEvaluator.Evaluate(OsvTestData.Load(id), ecosystem, name, version, Eco));

    private static OsvAffected Range(string type, params OsvEvent[] events) =>
        new() { Ranges = [new OsvRange { Type = type, Events = events }] };

    private static OsvEvent I(string v) => new() { Introduced = v };
    private static OsvEvent F(string v) => new() { Fixed = v };
    private static OsvEvent L(string v) => new() { LastAffected = v };
    private static OsvEvent Lim(string v) => new() { Limit = v };

    private static OsvAffectedness Sem(OsvAffected a, string v) => OsvRangeEvaluator.Affects(a, v, Eco);

    [Fact]
    public void The_schema_documents_examples()
    {
        // "Every possible version is affected".
        var unfixed = Range("SEMVER", I("0"));
        Assert.Equal(Affected, Sem(unfixed, "0.0.0"));
        Assert.Equal(Affected, Sem(unfixed, "99.0.0-rc.1"));

        // "Everything before 1.0.2".
        var fixedEx = Range("SEMVER", I("0"), F("1.0.2"));
        Assert.Equal(Affected, Sem(fixedEx, "1.0.1"));
        Assert.Equal(NotAffected, Sem(fixedEx, "1.0.2"));
        Assert.Equal(Affected, Sem(fixedEx, "1.0.2-rc.1"));

        // [1.0.0, 1.0.2) or [3.0.0, 3.2.5).
        var multi = Range("SEMVER", I("1.0.0"), F("1.0.2"), I("3.0.0"), F("3.2.5"));
        foreach (var (v, want) in new[] { ("0.9.9", NotAffected), ("1.0.0", Affected), ("1.0.1", Affected), ("1.0.2", NotAffected),
                     ("2.9.9", NotAffected), ("3.0.0", Affected), ("3.2.4", Affected), ("3.2.5", NotAffected), ("4.0.0", NotAffected) })
            Assert.True(want == Sem(multi, v), v);

        // last_affected is inclusive, fixed is exclusive.
        var last = Range("ECOSYSTEM", I("0"), L("2.1.214"));
        Assert.Equal(Affected, Sem(last, "2.1.214"));
        Assert.Equal(NotAffected, Sem(last, "2.1.215"));
        Assert.Equal(NotAffected, Sem(Range("SEMVER", I("0"), F("2.1.214")), "2.1.214"));
    }

    [Fact]
    public void Events_are_sorted_by_version_not_by_their_listed_order()
    {
        var shuffled = Range("SEMVER", F("3.2.5"), I("3.0.0"), F("1.0.2"), I("1.0.0"));
        Assert.Equal(Affected, Sem(shuffled, "1.0.1"));
        Assert.Equal(NotAffected, Sem(shuffled, "2.0.0"));
        Assert.Equal(Affected, Sem(shuffled, "3.1.0"));
        // Sorting uses the scheme's order, not text order ("10" after "9").
        Assert.Equal(Affected, Sem(Range("ECOSYSTEM", F("1.10"), I("1.9")), "1.9.5"));
    }

    [Fact]
    public void Limit_events_bound_the_whole_range()
    {
        var limited = Range("SEMVER", I("1.0.0"), Lim("2.0.0"));
        Assert.Equal(Affected, Sem(limited, "1.5.0"));
        Assert.Equal(NotAffected, Sem(limited, "2.0.0"));
        Assert.Equal(NotAffected, Sem(limited, "0.9.0"));
        Assert.Equal(Affected, Sem(Range("SEMVER", I("1.0.0"), Lim("*")), "9.0.0"));
        var two = Range("SEMVER", I("0"), Lim("1.0.0"), Lim("3.0.0"));
        Assert.Equal(Affected, Sem(two, "2.0.0"));
        Assert.Equal(NotAffected, Sem(two, "3.0.0"));
    }

    [Fact]
    public void Versions_list_and_ranges_either_one_affects()
    {
        var listed = new OsvAffected { Versions = ["1.2.3", "1.2.5", "weird-build"] };
        Assert.Equal(Affected, Sem(listed, "1.2.3"));
        Assert.Equal(NotAffected, Sem(listed, "1.2.4"));
        Assert.Equal(Affected, Sem(listed, "weird-build")); // exact match needs no parsing
        Assert.Equal(Affected, Sem(listed, "1.2.3.0")); // equal for the ecosystem's scheme

        var both = listed with { Ranges = [new OsvRange { Type = "ECOSYSTEM", Events = [I("2.0"), F("2.1")] }] };
        Assert.Equal(Affected, Sem(both, "1.2.5"));
        Assert.Equal(Affected, Sem(both, "2.0.7"));
        Assert.Equal(NotAffected, Sem(both, "2.1"));
        Assert.Equal(NotAffected, Sem(new OsvAffected(), "1.0")); // nothing listed, no ranges
    }

    [Fact]
    public void Semver_ranges_use_semver_whatever_scheme_is_passed_and_ecosystem_ranges_use_the_callers()
    {
        // "1.10" is not SemVer: Unknown under SEMVER, ordered under the ecosystem scheme.
        Assert.Equal(Unknown, Sem(Range("SEMVER", I("0"), F("2.0.0")), "1.10"));
        Assert.Equal(Affected, Sem(Range("ECOSYSTEM", I("0"), F("2.0")), "1.10"));
        Assert.Equal(Affected, OsvRangeEvaluator.Affects(Range("ECOSYSTEM", I("0"), F("2.0.0")), "1.10.0-beta", SemVer2VersionScheme.Instance));
        Assert.Equal(Unknown, OsvRangeEvaluator.Affects(Range("ECOSYSTEM", I("0")), "1.0", null!));
    }

    [Fact]
    public void What_cannot_be_evaluated_is_unknown_never_not_affected()
    {
        Assert.Equal(Unknown, Sem(Range("SEMVER", I("0"), F("1.0.0")), "not a version"));
        Assert.Equal(Unknown, Sem(Range("SEMVER", I("0"), F("1.0")), "0.5.0")); // unparseable event
        Assert.Equal(Unknown, Sem(Range("SEMVER", new OsvEvent { Introduced = "0", Fixed = "1.0.0" }), "0.5.0")); // two fields
        Assert.Equal(Unknown, Sem(Range("SEMVER", new OsvEvent()), "0.5.0")); // no field
        Assert.Equal(Unknown, Sem(Range("SEMVER"), "0.5.0")); // no events
        Assert.Equal(Unknown, Sem(Range("BAZEL", I("0")), "0.5.0")); // unknown type
        Assert.Equal(Unknown, Sem(Range(null!, I("0")), "0.5.0"));
        Assert.Equal(Unknown, Sem(Range("GIT", I("6e5755a2a833bc64852eae12967d0a54d7adf629")), "0.5.0")); // commits, not versions
        Assert.Equal(Unknown, Sem(Range("SEMVER", I("0")), ""));
        Assert.Equal(Unknown, OsvRangeEvaluator.Affects(null!, "1.0.0", Eco));

        // A GIT range next to a versions list: osv.dev expanded the commits into the list, so the list decides.
        var gitAndList = new OsvAffected { Versions = ["1.0"], Ranges = [new OsvRange { Type = "GIT", Events = [I("abc")] }] };
        Assert.Equal(NotAffected, Sem(gitAndList, "2.0"));

        // Affected in one range wins over Unknown in another; Unknown wins over NotAffected.
        var mixed = new OsvAffected { Ranges = [new OsvRange { Type = "BAZEL", Events = [I("0")] }, new OsvRange { Type = "ECOSYSTEM", Events = [I("1.0")] }] };
        Assert.Equal(Affected, Sem(mixed, "1.5"));
        Assert.Equal(Unknown, Sem(mixed, "0.5"));
    }

    [Fact]
    public void Withdrawn_advisories_never_match()
    {
        var record = OsvTestData.Load("GHSA-p6mc-m468-83gw");
        Assert.Equal(Affected, OsvRangeEvaluator.Evaluate(record, "npm", "lodash", "4.17.19", Eco));
        var withdrawn = record with { Withdrawn = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        Assert.Equal(NotAffected, OsvRangeEvaluator.Evaluate(withdrawn, "npm", "lodash", "4.17.19", Eco));
    }

    [Fact]
    public void A_parsed_record_with_last_affected_and_a_versions_list_evaluates_end_to_end()
    {
        const string json = """
            {"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[
              {"package":{"ecosystem":"crates.io","name":"demo"},"versions":["0.0.1-pre"],
               "ranges":[{"type":"SEMVER","events":[{"introduced":"0.3.0"},{"last_affected":"0.3.24"},{"introduced":"1.0.0"},{"fixed":"1.2.0"}]}]}]}
            """;
        var record = OsvParser.Parse(json).Record!;
        OsvAffectedness At(string v) => OsvRangeEvaluator.Evaluate(record, "crates.io", "demo", v, SemVer2VersionScheme.Instance);
        Assert.Equal(Affected, At("0.0.1-pre"));
        Assert.Equal(NotAffected, At("0.2.9"));
        Assert.Equal(Affected, At("0.3.24"));
        Assert.Equal(NotAffected, At("0.3.25"));
        Assert.Equal(Affected, At("1.1.9"));
        Assert.Equal(NotAffected, At("1.2.0"));
    }

    [Fact]
    public void Hostile_ranges_are_bounded_and_never_throw()
    {
        var sw = Stopwatch.StartNew();
        var many = Enumerable.Range(0, 4_000).SelectMany(i => new[] { I($"{i}.0.0"), F($"{i}.1.0") }).ToArray();
        Assert.Equal(Unknown, Sem(Range("SEMVER", many), "5.0.5")); // over the event limit
        Assert.Equal(Affected, Sem(Range("SEMVER", many[..4000]), "1999.0.5"));
        Assert.Equal(NotAffected, Sem(Range("SEMVER", many[..4000]), "1999.1.0"));
        Assert.Equal(Unknown, Sem(Range("SEMVER", I("0"), F("1." + new string('9', 100_000) + ".0")), "1.0.0"));
        Assert.Equal(Unknown, Sem(Range("SEMVER", I("0")), new string('1', 1_000_000)));
        var nullLists = new OsvAffected { Versions = null!, Ranges = null! };
        Assert.Equal(NotAffected, Sem(nullLists, "1.0"));
        Assert.Equal(NotAffected, OsvRangeEvaluator.Evaluate(null!, "npm", "x", "1.0.0", Eco));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), sw.Elapsed.ToString());
    }
}
