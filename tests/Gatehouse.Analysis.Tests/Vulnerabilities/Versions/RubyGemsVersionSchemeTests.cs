using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Versions;

/// <summary>RubyGems ordering; the pairs are the spaceship cases of rubygems' test_gem_version.rb, copied as data.</summary>
public sealed class RubyGemsVersionSchemeTests
{
    private static readonly RubyGemsVersionScheme S = RubyGemsVersionScheme.Instance;

    [Theory]
    [InlineData("1.0", "1.0.0", 0)]
    [InlineData("1.0", "1.0.a", 1)]
    [InlineData("1.8.2", "0.0.0", 1)]
    [InlineData("1.8.2", "1.8.2.a", 1)]
    [InlineData("1.8.2.b", "1.8.2.a", 1)]
    [InlineData("1.8.2.a", "1.8.2", -1)]
    [InlineData("1.8.2.a10", "1.8.2.a9", 1)]
    [InlineData("0.beta.1", "0.0.beta.1", 0)]
    [InlineData("0.0.beta", "0.0.beta.1", -1)]
    [InlineData("0.0.beta", "0.beta.1", -1)]
    [InlineData("5.a", "5.0.0.rc2", -1)]
    [InlineData("5.x", "5.0.0.rc2", 1)]
    [InlineData("1.0.0-rc1", "1.0.0.pre.rc1", 0)]
    [InlineData("1.0.0-rc1", "1.0.0", -1)]
    [InlineData("1.9.3", "1.10.0", -1)]
    [InlineData(" 1.0 ", "1", 0)]
    [InlineData("2.0.0.rc1", "2.0.0.beta2", 1)]
    [InlineData("1.0.0", "1.0.0.1", -1)]
    [InlineData("1." + "99999999999999999999999", "1." + "99999999999999999999998", 1)]
    public void Orders_as_Gem_Version_does(string a, string b, int expected)
    {
        Assert.Equal(expected, S.Compare(a, b));
        Assert.Equal(-expected, S.Compare(b, a));
    }

    [Theory]
    [InlineData("")]
    [InlineData("junk")]
    [InlineData("1.0\n2.0")]
    [InlineData("1..2")]
    [InlineData("1.2\r\n2.3")]
    [InlineData("2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e.")]
    [InlineData("a.1")]
    public void Rejects_what_Gem_Version_rejects(string version)
    {
        Assert.False(S.IsValid(version));
        Assert.Null(S.Compare(version, "1.0"));
    }

    [Fact]
    public void Hostile_text_is_invalid_not_an_exception()
    {
        Assert.False(S.IsValid("1." + new string('0', 100_000)));
        Assert.Equal("RubyGems", S.Ecosystem);
    }
}
