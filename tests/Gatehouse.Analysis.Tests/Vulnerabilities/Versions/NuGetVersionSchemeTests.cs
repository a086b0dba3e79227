using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Versions;

/// <summary>NuGet ordering as NuGet.Versioning defines it (pairs from NuGet's "Package versioning" docs and its comparer tests).</summary>
public sealed class NuGetVersionSchemeTests
{
    private static readonly NuGetVersionScheme S = NuGetVersionScheme.Instance;

    // (lower, higher)
    public static TheoryData<string, string> Ordered => new()
    {
        { "1.0.0", "1.0.1" },
        { "1.0.0", "1.1.0" },
        { "1.9.0", "1.10.0" },
        { "1.0.0-alpha", "1.0.0" },
        { "1.0.0-alpha", "1.0.0-alpha.1" },
        { "1.0.0-alpha.1", "1.0.0-alpha.beta" },
        { "1.0.0-alpha.beta", "1.0.0-beta" },
        { "1.0.0-beta", "1.0.0-beta.2" },
        { "1.0.0-beta.2", "1.0.0-beta.11" },
        { "1.0.0-beta.11", "1.0.0-rc.1" },
        { "1.0.0-rc.1", "1.0.0" },
        { "1.0.0", "1.0.0.1" },
        { "1.0.0.1", "1.0.0.2" },
        { "1.0.0.9", "1.0.0.10" },
        { "1.0.0-beta", "1.0.0.1-alpha" },
        { "2.0.0-preview1", "2.0.0-preview2" },
        { "2.0.0-preview10", "2.0.0-preview2" }, // alphanumeric labels compare as text
        { "1.0.0-1", "1.0.0-a" }, // numeric labels sort before alphanumeric
        { "0.9", "1" },
        { "4.0.0-rc1", "4.0.0" },
        { "6.0.0", "10.0.0-preview.1" },
    };

    public static TheoryData<string, string> Equal => new()
    {
        { "1.0", "1.0.0" },
        { "1", "1.0.0.0" },
        { "1.0.0", "1.0.0+build.5" },
        { "1.0.0+a", "1.0.0+b" },
        { "1.0.0-BETA", "1.0.0-beta" },
        { "1.0.0-Beta.1", "1.0.0-beta.1" },
        { "01.0.0", "1.0.0" }, // NuGet normalises leading zeros
    };

    [Theory, MemberData(nameof(Ordered))]
    public void Orders_as_NuGet_does(string lower, string higher)
    {
        Assert.Equal(-1, S.Compare(lower, higher));
        Assert.Equal(1, S.Compare(higher, lower));
    }

    [Theory, MemberData(nameof(Equal))]
    public void Treats_as_equal_what_NuGet_treats_as_equal(string a, string b)
    {
        Assert.Equal(0, S.Compare(a, b));
        Assert.Equal(0, S.Compare(b, a));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1.0.0.0.0")]
    [InlineData("1.0.0-")]
    [InlineData("1..0")]
    [InlineData("99999999999999999999.0")]
    public void Rejects_what_NuGet_rejects(string version)
    {
        Assert.False(S.IsValid(version));
        Assert.Null(S.Compare(version, "1.0.0"));
        Assert.Null(S.Compare("1.0.0", version));
    }

    [Fact]
    public void Hostile_text_is_invalid_not_an_exception()
    {
        Assert.False(S.IsValid("1." + new string('0', 100_000)));
        Assert.False(S.IsValid("1.0.0-" + new string('a', 100_000)));
        Assert.Equal("NuGet", S.Ecosystem);
    }
}
