using Gatehouse.Server.Charts;
using YamlDotNet.RepresentationModel;

namespace Gatehouse.Server.Tests.Charts;

/// <summary>The repository index and the chart settings, without a host (the real helm reads a served index in <see cref="HelmRepositoryTests"/>).</summary>
public sealed class ChartIndexTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid AppA = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");
    private static readonly Guid AppB = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000002");

    private static ChartEntry Entry(Guid app, string slug, string name, string version, int minutes = 0, string? appVersion = "1.0", string? description = "Acme")
        => new(app, slug, Guid.NewGuid(), new ChartIdentity(name, version, appVersion), description, new string('a', 64), Now.AddMinutes(minutes));

    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    private static string S(YamlNode node, string key) => ((YamlScalarNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)]).Value!;

    [Fact]
    public void The_index_lists_each_chart_under_its_name_newest_first_with_helms_fields()
    {
        var older = Entry(AppA, "acme", "hello", "0.1.0", 0);
        var newer = Entry(AppA, "acme", "hello", "0.2.0", 5);
        var yaml = ChartIndex.Write([older, newer], Now);
        var root = Parse(yaml);
        Assert.Equal("v1", S(root, "apiVersion"));
        Assert.Equal("2026-12-05T12:00:00.0000000Z", S(root, "generated"));
        var entries = (YamlMappingNode)root.Children[new YamlScalarNode("entries")];
        var versions = (YamlSequenceNode)entries.Children[new YamlScalarNode("hello")];
        Assert.Equal(["0.2.0", "0.1.0"], versions.Select(v => S(v, "version")));
        var first = versions.Children[0];
        Assert.Equal("hello", S(first, "name"));
        Assert.Equal("v2", S(first, "apiVersion"));
        Assert.Equal("1.0", S(first, "appVersion"));
        Assert.Equal("Acme", S(first, "description"));
        Assert.Equal(new string('a', 64), S(first, "digest"));
        Assert.Equal("2026-12-05T12:05:00.0000000Z", S(first, "created"));
        var url = Assert.Single((YamlSequenceNode)((YamlMappingNode)first).Children[new YamlScalarNode("urls")]);
        Assert.Equal($"v/{newer.VersionId:D}/hello-0.2.0.tgz", ((YamlScalarNode)url).Value);
    }

    [Fact]
    public void An_empty_index_is_still_a_valid_index()
    {
        var root = Parse(ChartIndex.Write([], Now));
        Assert.Empty((YamlMappingNode)root.Children[new YamlScalarNode("entries")]);
    }

    [Fact]
    public void Two_apps_with_a_chart_of_the_same_name_are_both_qualified_by_their_slug_and_never_merge()
    {
        var a = Entry(AppA, "acme", "web", "1.0.0");
        var b = Entry(AppB, "evil", "web", "9.9.9");
        var other = Entry(AppA, "acme", "db", "1.0.0");
        var names = ChartIndex.Names([a, b, other]);
        Assert.Equal("acme.web", names[a.VersionId]);
        Assert.Equal("evil.web", names[b.VersionId]);
        Assert.Equal("db", names[other.VersionId]);
        // Alone, the same chart keeps its plain name: what a name means never depends on the order of installs.
        Assert.Equal("web", ChartIndex.Names([a])[a.VersionId]);
        // A name that is not a plain Helm name is always qualified, so it cannot collide with a qualified one.
        var dotted = Entry(AppB, "evil", "acme.web", "1.0.0");
        Assert.Equal("evil.acme.web", ChartIndex.Names([dotted])[dotted.VersionId]);
    }

    [Fact]
    public void The_same_chart_version_twice_in_one_app_is_listed_once_the_latest()
    {
        var first = Entry(AppA, "acme", "hello", "1.0.0", 0);
        var again = Entry(AppA, "acme", "hello", "1.0.0", 10);
        var (_, versions) = Assert.Single(ChartIndex.Group([first, again]));
        Assert.Equal(again.VersionId, Assert.Single(versions).VersionId);
    }

    [Fact]
    public void Nothing_a_vendor_writes_in_Chart_yaml_adds_keys_or_documents()
    {
        var hostile = Entry(AppA, "acme", "hello", "1.0.0", appVersion: "1\"\nevil: yes\n---\n- &a [*a]", description: "x\u0000y \U0001F600 \u2028 z");
        var yaml = ChartIndex.Write([hostile], Now);
        var root = Parse(yaml);
        var v = ((YamlSequenceNode)((YamlMappingNode)root.Children[new YamlScalarNode("entries")]).Children[new YamlScalarNode("hello")]).Children[0];
        Assert.Equal("1\"\nevil: yes\n---\n- &a [*a]", S(v, "appVersion"));
        Assert.Equal("x\u0000y \uFFFD \u2028 z", S(v, "description"));
        Assert.DoesNotContain(((YamlMappingNode)v).Children.Keys, k => ((YamlScalarNode)k).Value == "evil");
    }

    [Theory]
    [InlineData("{\"chart\":{\"name\":\"hello\",\"version\":\"0.1.0\",\"appVersion\":\"1.16.0\"}}", "hello", "0.1.0", "1.16.0")]
    [InlineData("{\"chart\":{\"name\":\"hello\",\"version\":\"0.1.0\"}}", "hello", "0.1.0", null)]
    [InlineData("{\"verdict\":\"pass\"}", null, null, null)]
    [InlineData("{\"chart\":{\"name\":\"\",\"version\":\"0.1.0\"}}", null, null, null)]
    [InlineData("{\"chart\":{\"name\":7}}", null, null, null)]
    [InlineData("not json", null, null, null)]
    public void A_charts_identity_comes_from_its_scan_report(string report, string? name, string? version, string? appVersion)
    {
        var identity = ChartIdentities.Read(report);
        Assert.Equal(name, identity?.Name);
        Assert.Equal(version, identity?.Version);
        Assert.Equal(appVersion, identity?.AppVersion);
    }

    [Fact]
    public void The_helm_setting_wins_over_the_environment_and_must_be_an_absolute_path_that_exists()
    {
        Assert.Equal("/opt/helm", new ChartsOptions { HelmPath = "/opt/helm" }.EffectiveHelmPath("/env/helm"));
        Assert.Equal("/env/helm", new ChartsOptions().EffectiveHelmPath("/env/helm"));
        Assert.Null(new ChartsOptions { HelmPath = " " }.EffectiveHelmPath(""));

        var validator = new ChartsOptionsValidator();
        Assert.True(validator.Validate(null, new ChartsOptions()).Succeeded);
        Assert.True(validator.Validate(null, new ChartsOptions { HelmPath = Environment.ProcessPath! }).Succeeded);
        Assert.True(validator.Validate(null, new ChartsOptions { HelmPath = "helm" }).Failed);
        Assert.True(validator.Validate(null, new ChartsOptions { HelmPath = "/no/such/helm" }).Failed);
    }
}
