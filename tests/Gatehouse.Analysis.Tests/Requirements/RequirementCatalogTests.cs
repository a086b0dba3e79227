using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Requirements;

namespace Gatehouse.Analysis.Tests.Requirements;

public sealed class RequirementCatalogTests
{
    private static readonly RequirementCatalog Catalog = RequirementCatalog.LoadEmbedded();

    private const string ValidFile = """
        areas:
          TLS: Transport security
        requirements:
          - id: GH-TLS-1
            title: Serve only TLS 1.2 or later
            why: Old protocols can be downgraded.
            how: Disable TLS 1.0 and 1.1.
            appliesTo: [web-integration]
            severity: critical
            verifiedBy:
              plannedRules: [probe.tls-version]
            version: 1
            effective: 2026-11-29
        """;

    private static GuidelineDataException LoadFails(params (string Name, string Text)[] files) =>
        Assert.Throws<GuidelineDataException>(() => RequirementCatalog.Load(files));

    [Fact]
    public void The_embedded_catalogue_loads_with_at_least_30_requirements()
    {
        Assert.True(Catalog.All.Count >= 30, $"only {Catalog.All.Count} requirements");
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}\+[0-9a-f]{12}$", Catalog.Version);
        Assert.Matches("^sha256:[0-9a-f]{64}$", Catalog.Digest);
    }

    [Fact]
    public void The_embedded_catalogue_is_the_one_in_the_rules_folder()
    {
        var fromDisk = RequirementCatalog.LoadDirectory(RepoFiles.Path("rules", "requirements"));
        Assert.Equal(fromDisk.Digest, Catalog.Digest);
    }

    [Fact]
    public void Every_app_type_has_requirements()
    {
        foreach (var type in AppTypes.All)
            Assert.True(Catalog.ForType(type).Count >= 8, $"{type} has only {Catalog.ForType(type).Count} requirements");
    }

    [Fact]
    public void For_type_accepts_the_short_names_of_gatehouse_check()
    {
        Assert.Equal(Catalog.ForType(AppTypes.WebIntegration), Catalog.ForType("web"));
        Assert.Equal(Catalog.ForType(AppTypes.HelmChart), Catalog.ForType("chart"));
        Assert.Throws<ArgumentException>(() => Catalog.ForType("mainframe"));
    }

    [Theory]
    [InlineData("GH-FILE-1", "filetype.mismatch")]
    [InlineData("GH-FILE-2", "archive.path-traversal")]
    [InlineData("GH-FILE-4", "malware.clamav")]
    [InlineData("GH-SEC-1", "secret.github-pat")]
    public void The_requirements_engine_rules_report_keep_their_meaning(string id, string rule)
    {
        Assert.True(Catalog.Get(id).VerifiedBy.CoversRule(rule), $"{id} does not list {rule}");
    }

    [Fact]
    public void Every_engine_rule_names_a_requirement_in_the_catalogue_that_lists_it()
    {
        var problems = new List<string>();
        foreach (var rule in AnalyzerCatalog.AllRules())
        {
            var requirement = Catalog.Find(rule.RequirementId);
            if (requirement is null) problems.Add($"{rule.Id}: requirement {rule.RequirementId} is not in the catalogue");
            else if (!requirement.VerifiedBy.CoversRule(rule.Id)) problems.Add($"{rule.Id}: {rule.RequirementId} does not list it in verifiedBy.rules");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_rule_a_requirement_names_exists_and_planned_rules_do_not_exist_yet()
    {
        var rules = AnalyzerCatalog.AllRules().Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var r in Catalog.All)
        {
            foreach (var entry in r.VerifiedBy.Rules)
            {
                var known = entry.EndsWith(".*", StringComparison.Ordinal)
                    ? rules.Any(id => id.StartsWith(entry[..^1], StringComparison.Ordinal))
                    : rules.Contains(entry);
                if (!known) problems.Add($"{r.Id}: verifiedBy.rules names {entry}, which the engine does not have (use plannedRules for later rules)");
            }
            foreach (var planned in r.VerifiedBy.PlannedRules)
                if (rules.Contains(planned)) problems.Add($"{r.Id}: {planned} exists now: move it from plannedRules to rules");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_catalogue_covers_the_topics_the_issue_names()
    {
        var text = string.Join("\n", Catalog.All.Select(r => r.Title + " " + r.How)).ToLowerInvariant();
        foreach (var topic in new[] { "authenticat", "tls 1.2", "31536000", "scope", "secret", "domain", "content-security-policy", "cookie", "validate", "critical or high", "non-root", "sign" })
            Assert.Contains(topic, text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_file_loads_with_area_and_digest()
    {
        var catalog = RequirementCatalog.Load([("t.yaml", ValidFile)]);
        var r = Assert.Single(catalog.All);
        Assert.Equal(("TLS", "Transport security", 1, new DateOnly(2026, 11, 29)), (r.Area, r.AreaTitle, r.Version, r.Effective));
        Assert.Equal(["probe.tls-version"], r.VerifiedBy.PlannedRules);
        Assert.Matches("^sha256:[0-9a-f]{64}$", r.Digest);
    }

    [Fact]
    public void The_digest_changes_with_the_text_but_not_with_list_order_or_area_title()
    {
        var a = RequirementCatalog.Load([("t.yaml", ValidFile)]).All[0];
        var edited = RequirementCatalog.Load([("t.yaml", ValidFile.Replace("Disable TLS 1.0 and 1.1.", "Disable TLS 1.0.", StringComparison.Ordinal))]).All[0];
        var retitled = RequirementCatalog.Load([("t.yaml", ValidFile.Replace("Transport security", "TLS", StringComparison.Ordinal))]).All[0];
        var reordered = RequirementCatalog.Load([("t.yaml", ValidFile.Replace("[web-integration]", "[web-integration, container]", StringComparison.Ordinal))]).All[0];
        var reordered2 = RequirementCatalog.Load([("t.yaml", ValidFile.Replace("[web-integration]", "[container, web-integration]", StringComparison.Ordinal))]).All[0];
        Assert.NotEqual(a.Digest, edited.Digest);
        Assert.Equal(a.Digest, retitled.Digest);
        Assert.Equal(reordered.Digest, reordered2.Digest);
    }

    [Fact]
    public void Malformed_yaml_names_the_file_and_line()
    {
        var ex = LoadFails(("rules/requirements/bad.yaml", "areas:\n  TLS: [unclosed\nrequirements: []\n"));
        Assert.Contains("rules/requirements/bad.yaml: not valid YAML", ex.Message, StringComparison.Ordinal);
        Assert.Contains("(line ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_id_names_both_files()
    {
        var ex = LoadFails(("a.yaml", ValidFile), ("b.yaml", ValidFile));
        Assert.Contains("b.yaml: GH-TLS-1: duplicate ID (first defined in a.yaml)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_is_an_error_naming_the_id()
    {
        var ex = LoadFails(("a.yaml", ValidFile.Replace("    severity: critical", "    severity: critical\n    sevrity: high", StringComparison.Ordinal)));
        Assert.Contains("a.yaml: GH-TLS-1: unknown key 'sevrity'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_in_verified_by_is_an_error()
    {
        var ex = LoadFails(("a.yaml", ValidFile.Replace("      plannedRules:", "      rulez: [x.y]\n      plannedRules:", StringComparison.Ordinal)));
        Assert.Contains("a.yaml: GH-TLS-1: verifiedBy: unknown key 'rulez'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id: GH-TLS-1", "id: TLS-1", "does not match GH-<AREA>-<n>")]
    [InlineData("severity: critical", "severity: severe", "unknown severity 'severe'")]
    [InlineData("[web-integration]", "[web-integration, desktop]", "unknown app type 'desktop'")]
    [InlineData("version: 1", "version: one", "'version' must be a whole number")]
    [InlineData("effective: 2026-11-29", "effective: 29/11/2026", "'effective' must be a date")]
    [InlineData("    title: Serve only TLS 1.2 or later\n", "", "missing required key 'title'")]
    [InlineData("plannedRules: [probe.tls-version]", "plannedRules: [tls.version]", "planned rule 'tls.version' must be a rule ID starting with one of")]
    [InlineData("plannedRules: [probe.tls-version]", "evidence: [iso9001]", "unknown evidence type 'iso9001'")]
    [InlineData("plannedRules: [probe.tls-version]", "questions: []", "every requirement must be verifiable")]
    [InlineData("  TLS: Transport security", "  WEB: Web", "area TLS is not declared")]
    public void Invalid_fields_are_reported_clearly(string from, string to, string expected)
    {
        var ex = LoadFails(("a.yaml", ValidFile.Replace(from, to, StringComparison.Ordinal)));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("a.yaml", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var ex = LoadFails(("a.yaml", ValidFile.Replace("severity: critical", "severity: severe", StringComparison.Ordinal).Replace("version: 1", "version: 0", StringComparison.Ordinal)));
        Assert.Equal(2, ex.Errors.Count);
    }

    [Fact]
    public void Oversized_input_is_refused_before_parsing()
    {
        var big = ValidFile + "\n# " + new string('x', RequirementCatalog.MaxFileBytes);
        var ex = LoadFails(("big.yaml", big));
        Assert.Contains($"big.yaml: larger than {RequirementCatalog.MaxFileBytes} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Anchors_and_aliases_are_refused()
    {
        var ex = LoadFails(("a.yaml", ValidFile.Replace("appliesTo: [web-integration]", "appliesTo: &types [web-integration]", StringComparison.Ordinal)));
        Assert.Contains("anchors (&name) are not allowed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_are_refused()
    {
        var ex = LoadFails(("a.yaml", ValidFile.Replace("version: 1", "version: !!int 1", StringComparison.Ordinal)));
        Assert.Contains("tags (", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        var deep = "areas: {}\nrequirements: " + new string('[', 40) + new string(']', 40) + "\n";
        var ex = LoadFails(("deep.yaml", deep));
        Assert.Contains("nested deeper than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_with_an_oversized_file_is_refused()
    {
        var dir = Directory.CreateTempSubdirectory("gatehouse-catalog-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "a.yaml"), ValidFile + "\n#" + new string('x', RequirementCatalog.MaxFileBytes));
            var ex = Assert.Throws<GuidelineDataException>(() => RequirementCatalog.LoadDirectory(dir.FullName));
            Assert.Contains("a.yaml: larger than", ex.Message, StringComparison.Ordinal);
        }
        finally { dir.Delete(recursive: true); }
    }
}
