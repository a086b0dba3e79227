using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Tests.Vulnerabilities;

public sealed class SemVer2VersionSchemeTests
{
    private static readonly SemVer2VersionScheme Scheme = SemVer2VersionScheme.Instance;

    // semver.org §11: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0,
    // and 1.0.0 < 2.0.0 < 2.1.0 < 2.1.1.
    private static readonly string[] SpecOrder =
    [
        "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",
        "1.0.0", "2.0.0", "2.1.0", "2.1.1",
    ];

    [Fact]
    public void Every_pair_from_the_specs_precedence_examples_orders_as_listed()
    {
        for (var i = 0; i < SpecOrder.Length; i++)
        for (var j = 0; j < SpecOrder.Length; j++)
            Assert.True(Math.Sign(i.CompareTo(j)) == Scheme.Compare(SpecOrder[i], SpecOrder[j]), $"{SpecOrder[i]} vs {SpecOrder[j]}");
    }

    [Theory]
    [InlineData("1.0.0+build.1", "1.0.0+build.2", 0)] // §10: build metadata does not count
    [InlineData("1.0.0-alpha+001", "1.0.0-alpha", 0)]
    [InlineData("1.0.0+20130313144700", "1.0.0", 0)]
    [InlineData("1.9.0", "1.10.0", -1)] // numeric, not textual
    [InlineData("1.0.0-2", "1.0.0-10", -1)]
    [InlineData("1.0.0-1", "1.0.0-a", -1)] // numeric identifiers before alphanumeric
    [InlineData("1.0.0-a-b", "1.0.0-a", 1)]
    [InlineData("1.0.0-B", "1.0.0-a", -1)] // ASCII order: upper case first
    [InlineData("99999999999999999999999.0.0", "99999999999999999999998.0.0", 1)] // beyond 64 bits, no overflow
    [InlineData("0.0.0", "0.0.0-0", 1)]
    public void Orders_per_section_11(string a, string b, int expected)
    {
        Assert.Equal(expected, Scheme.Compare(a, b));
        Assert.Equal(-expected, Scheme.Compare(b, a));
    }

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("0.0.4")]
    [InlineData("10.20.30")]
    [InlineData("1.1.2-prerelease+meta")]
    [InlineData("1.0.0-alpha.0valid")]
    [InlineData("1.0.0-0A.is.legal")]
    [InlineData("1.0.0-x-y-z.--")]
    [InlineData("1.0.0+0.build.1-rc.10000aaa-kk-0.1")]
    [InlineData("1.0.0+001")] // leading zeros are allowed in build metadata
    public void Accepts_valid_versions(string v) => Assert.True(Scheme.IsValid(v), v);

    [Theory]
    [InlineData("")]
    [InlineData("v1.0.0")] // OSV: no leading v
    [InlineData("1.0")]
    [InlineData("1")]
    [InlineData("1.0.0.0")]
    [InlineData("01.0.0")]
    [InlineData("1.02.0")]
    [InlineData("1.0.0-01")] // leading zero in a numeric prerelease identifier
    [InlineData("1.0.0-")]
    [InlineData("1.0.0+")]
    [InlineData("1.0.0-alpha..1")]
    [InlineData("1.0.0-alpha_beta")]
    [InlineData("1.0.0+build+again")]
    [InlineData(" 1.0.0")]
    [InlineData("1.0.0 ")]
    [InlineData("-1.0.0")]
    [InlineData("１.0.0")] // full-width digit is not an ASCII digit
    [InlineData("1.0.0-é")]
    public void Rejects_invalid_versions_and_compare_returns_null(string v)
    {
        Assert.False(Scheme.IsValid(v), v);
        Assert.Null(Scheme.Compare(v, "1.0.0"));
        Assert.Null(Scheme.Compare("1.0.0", v));
    }

    [Fact]
    public void Hostile_input_is_bounded_and_never_throws()
    {
        Assert.False(Scheme.IsValid(null!));
        Assert.False(Scheme.IsValid("1.0.0-" + new string('a', 10_000)));
        Assert.False(Scheme.IsValid(string.Join('.', Enumerable.Repeat("1", 5_000))));
        Assert.Null(Scheme.Compare(new string('9', 1_000_000), "1.0.0"));
        Assert.Equal("SEMVER", Scheme.Ecosystem);
    }
}
