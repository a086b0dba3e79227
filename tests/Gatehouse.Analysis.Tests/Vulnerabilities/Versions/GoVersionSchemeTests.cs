using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Versions;

/// <summary>Go module versions ordered as golang.org/x/mod/semver orders them, checked on its own test table.</summary>
public sealed class GoVersionSchemeTests
{
    private static readonly GoVersionScheme S = GoVersionScheme.Instance;

    [Fact]
    public void Agrees_with_x_mod_semver_test_table()
    {
        var rows = File.ReadAllLines(Path.Combine(OsVersionFixtures.DataDir(), "go-semver.data"))
            .Where(l => !l.StartsWith('#')).Select(l => l.Split('\t')).ToList();
        Assert.True(rows.Count >= 30);
        var bad = new List<string>();
        var pairs = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var (ini, outi) = (rows[i][0], rows[i][1]);
            if (S.IsValid(ini) != (outi.Length > 0)) bad.Add($"IsValid('{ini}') should be {outi.Length > 0}");
            for (var j = 0; j < rows.Count; j++)
            {
                var (inj, outj) = (rows[j][0], rows[j][1]);
                var got = S.Compare(ini, inj);
                int? want = outi.Length == 0 || outj.Length == 0 ? null : outi == outj ? 0 : i < j ? -1 : 1;
                pairs++;
                if ((got is { } g ? Math.Sign(g) : (int?)null) != want) bad.Add($"Compare('{ini}', '{inj}') = {got}, want {want}");
                // OSV spells Go versions without the 'v': the same answer.
                if (ini.StartsWith('v') && outi.Length > 0 && outj.Length > 0 && S.Compare(ini[1..], inj) != got)
                    bad.Add($"Compare('{ini[1..]}', '{inj}') differs from the 'v' form");
            }
        }
        Assert.True(pairs >= 1000, $"only {pairs} pairs");
        Assert.True(bad.Count == 0, string.Join('\n', bad));
    }

    // golang/mod module/pseudo_test.go: the pseudo-version made from a tag sorts after that tag.
    [Theory]
    [InlineData("v0.0.0", "v0.0.1-0.20060102150405-hash")]
    [InlineData("v1.2.3", "v1.2.4-0.20060102150405-hash")]
    [InlineData("v1.2.99999999999999999", "v1.2.100000000000000000-0.20060102150405-hash")]
    [InlineData("v1.2.3-pre", "v1.2.3-pre.0.20060102150405-hash")]
    [InlineData("v1.3.0-pre", "v1.3.0-pre.0.20060102150405-hash")]
    [InlineData("v0.0.0--", "v0.0.0--.0.20060102150405-hash")]
    [InlineData("v1.0.0+metadata", "v1.0.1-0.20060102150405-hash+metadata")]
    [InlineData("v2.0.0+incompatible", "v2.0.1-0.20060102150405-hash+incompatible")]
    [InlineData("v2.3.0-pre+incompatible", "v2.3.0-pre.0.20060102150405-hash+incompatible")]
    public void A_pseudo_version_sorts_after_its_base_tag(string tag, string pseudo)
    {
        Assert.True(S.Compare(tag, pseudo) < 0);
        Assert.True(S.Compare(pseudo, tag) > 0);
    }

    [Theory]
    [InlineData("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4", -1)]
    [InlineData("v1.2.3-pre.0.20191109021931-daa7c04131f5", "v1.2.3-pre.1", -1)]
    [InlineData("v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20201109021931-aaaaaaaaaaaa", -1)]
    [InlineData("v0.0.0-20201109021931-aaaaaaaaaaaa", "v0.1.0", -1)]
    [InlineData("v2.0.0+incompatible", "v2.0.0", 0)]
    [InlineData("v2.0.0+incompatible", "v1.9.9", 1)]
    [InlineData("1.2.3", "v1.2.3", 0)]
    [InlineData("0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20191109021931-daa7c04131f5", 0)]
    [InlineData("v1.10.0", "v1.9.0", 1)]
    [InlineData("v1.99999999999999999999999", "v1.99999999999999999999998", 1)]
    public void Orders_the_rules_users_rely_on(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(S.Compare(a, b)!.Value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("v")]
    [InlineData("vv1.0.0")]
    [InlineData("v01.0.0")]
    [InlineData("v1.0.0-01")]
    [InlineData("v1.0.0-")]
    [InlineData("v1.0.0+")]
    [InlineData("v1.0.0-a..b")]
    [InlineData("v1.0.0 ")]
    [InlineData("v1.2-pre")]
    public void Rejects_what_x_mod_semver_rejects(string v)
    {
        Assert.False(S.IsValid(v));
        Assert.Null(S.Compare(v, "v1.0.0"));
        Assert.Null(S.Compare("v1.0.0", v));
    }

    [Fact]
    public void Hostile_input_is_invalid_without_throwing()
    {
        Assert.False(S.IsValid("v1.0.0-" + new string('a', GoVersionScheme.MaxLength)));
        Assert.False(S.IsValid(null!));
        Assert.Equal(0, S.Compare("v1.0.0-" + string.Join('.', Enumerable.Repeat("a", 100)), "v1.0.0-" + string.Join('.', Enumerable.Repeat("a", 100))));
        Assert.Equal("Go", S.Ecosystem);
        Assert.Equal(["Go"], GoVersionScheme.Ecosystems);
    }
}
