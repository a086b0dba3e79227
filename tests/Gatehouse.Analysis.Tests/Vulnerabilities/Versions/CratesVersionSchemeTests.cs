using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Versions;

/// <summary>Cargo ordering: SemVer 2.0 precedence (the specification's section 11 examples) with strict parsing.</summary>
public sealed class CratesVersionSchemeTests
{
    private static readonly CratesVersionScheme S = CratesVersionScheme.Instance;

    [Fact]
    public void Follows_the_SemVer_precedence_examples()
    {
        string[] ascending =
        [
            "0.0.0", "0.9.9", "1.0.0-0", "1.0.0-1", "1.0.0-2", "1.0.0-10", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta",
            "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "1.9.0", "1.10.0",
            "2.0.0", "2.1.0", "2.1.1", "18446744073709551615.0.0",
        ];
        for (var i = 0; i < ascending.Length; i++)
        {
            for (var j = i + 1; j < ascending.Length; j++)
            {
                Assert.True(S.Compare(ascending[i], ascending[j]) == -1, $"{ascending[i]} < {ascending[j]}");
                Assert.True(S.Compare(ascending[j], ascending[i]) == 1, $"{ascending[j]} > {ascending[i]}");
            }
        }
    }

    [Theory]
    [InlineData("1.0.0", "1.0.0+build.1")]
    [InlineData("1.0.0-alpha+001", "1.0.0-alpha+exp.sha.5114f85")]
    [InlineData("1.0.0+20130313144700", "1.0.0")]
    public void Ignores_build_metadata(string a, string b) => Assert.Equal(0, S.Compare(a, b));

    [Theory]
    [InlineData("")]
    [InlineData("v1.0.0")]
    [InlineData("=1.0.0")]
    [InlineData(" 1.0.0")]
    [InlineData("1.0")]
    [InlineData("1.0.0.0")]
    [InlineData("01.0.0")]
    [InlineData("1.0.0-01")]
    [InlineData("1.0.0-")]
    [InlineData("1.0.0-a..b")]
    [InlineData("1.0.0+")]
    [InlineData("1.0.0beta")]
    [InlineData("18446744073709551616.0.0")]
    public void Rejects_what_Cargo_rejects(string version)
    {
        Assert.False(S.IsValid(version));
        Assert.Null(S.Compare(version, "1.0.0"));
    }

    [Fact]
    public void Hostile_text_is_invalid_not_an_exception()
    {
        Assert.False(S.IsValid("1.0.0-" + new string('a', 100_000)));
        Assert.Equal(1, S.Compare("1.0.0-" + new string('9', 200), "1.0.0-" + new string('9', 199)));
        Assert.Equal("crates.io", S.Ecosystem);
    }
}
