using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Versions;

/// <summary>Maven ordering; the data is Maven's own ComparableVersionTest (maven-artifact), copied as data.</summary>
public sealed class MavenVersionSchemeTests
{
    private static readonly MavenVersionScheme S = MavenVersionScheme.Instance;

    private static readonly string[] VersionsQualifier =
    [
        "1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2", "1-beta123", "1-m2", "1-m11", "1-rc", "1-cr2", "1-rc123",
        "1-SNAPSHOT", "1", "1-sp", "1-sp2", "1-sp123", "1-abc", "1-def", "1-pom-1", "1-1-snapshot", "1-1", "1-2", "1-123",
    ];

    private static readonly string[] VersionsNumber =
    [
        "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1", "2.1.0.1", "2.2",
        "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11", "11", "11.a", "11b", "11c", "11m",
    ];

    [Fact]
    public void Orders_the_qualifier_list_as_Maven_does() => AssertAscending(VersionsQualifier);

    [Fact]
    public void Orders_the_number_list_as_Maven_does() => AssertAscending(VersionsNumber);

    // testVersionsEqual, testVersionsHaveSameOrderButAreNotEqual, case insensitivity and leading zeros.
    [Theory]
    [InlineData("1", "1")]
    [InlineData("1", "1.0")]
    [InlineData("1", "1.0.0")]
    [InlineData("1.0", "1.0.0")]
    [InlineData("1", "1-0")]
    [InlineData("1", "1.0-0")]
    [InlineData("1.0", "1.0-0")]
    [InlineData("1a", "1-a")]
    [InlineData("1a", "1.0-a")]
    [InlineData("1a", "1.0.0-a")]
    [InlineData("1.0a", "1-a")]
    [InlineData("1.0.0a", "1-a")]
    [InlineData("1x", "1-x")]
    [InlineData("1x", "1.0-x")]
    [InlineData("1x", "1.0.0-x")]
    [InlineData("1.0x", "1-x")]
    [InlineData("1.0.0x", "1-x")]
    [InlineData("1cr", "1rc")]
    [InlineData("1a1", "1-alpha-1")]
    [InlineData("1b2", "1-beta-2")]
    [InlineData("1m3", "1-milestone-3")]
    [InlineData("1X", "1x")]
    [InlineData("1A", "1a")]
    [InlineData("1B", "1b")]
    [InlineData("1M", "1m")]
    [InlineData("1Cr", "1Rc")]
    [InlineData("1cR", "1rC")]
    [InlineData("1m3", "1Milestone3")]
    [InlineData("1m3", "1MileStone3")]
    [InlineData("1m3", "1MILESTONE3")]
    [InlineData("1ga", "1")]
    [InlineData("1release", "1")]
    [InlineData("1final", "1")]
    [InlineData("1Ga", "1")]
    [InlineData("1GA", "1")]
    [InlineData("1RELEASE", "1")]
    [InlineData("1RELeaSE", "1")]
    [InlineData("1Final", "1")]
    [InlineData("1FINAL", "1")]
    [InlineData("1.0-ga", "1.0.0")]
    [InlineData("1.0.0-ALPHA1", "1.0.0-alpha1")]
    [InlineData("1.A", "1.a")]
    [InlineData("0000000000000000001", "1")]
    [InlineData("0000000000000000000", "0")]
    public void Treats_as_equal_what_Maven_treats_as_equal(string a, string b)
    {
        Assert.Equal(0, S.Compare(a, b));
        Assert.Equal(0, S.Compare(b, a));
    }

    // testVersionComparing, testLeadingZeroes, MNG-5568, MNG-6572, MNG-6964, digits above letters.
    [Theory]
    [InlineData("1", "2")]
    [InlineData("1.5", "2")]
    [InlineData("1", "2.5")]
    [InlineData("1.0", "1.1")]
    [InlineData("1.1", "1.2")]
    [InlineData("1.0.0", "1.1")]
    [InlineData("1.0.1", "1.1")]
    [InlineData("1.1", "1.2.0")]
    [InlineData("1.0-alpha-1", "1.0")]
    [InlineData("1.0-alpha-1", "1.0-alpha-2")]
    [InlineData("1.0-alpha-1", "1.0-beta-1")]
    [InlineData("1.0-beta-1", "1.0-SNAPSHOT")]
    [InlineData("1.0-SNAPSHOT", "1.0")]
    [InlineData("1.0-alpha-1-SNAPSHOT", "1.0-alpha-1")]
    [InlineData("1.0", "1.0-1")]
    [InlineData("1.0-1", "1.0-2")]
    [InlineData("1.0.0", "1.0-1")]
    [InlineData("2.0-1", "2.0.1")]
    [InlineData("2.0.1-klm", "2.0.1-lmn")]
    [InlineData("2.0.1", "2.0.1-xyz")]
    [InlineData("2.0.1", "2.0.1-123")]
    [InlineData("2.0.1-xyz", "2.0.1-123")]
    [InlineData("0.7", "2")]
    [InlineData("0.2", "1.0.7")]
    [InlineData("6.1.0rc3", "6.1.0")]
    [InlineData("6.1.0rc3", "6.1H.5-beta")]
    [InlineData("6.1.0", "6.1H.5-beta")]
    [InlineData("20190126.230843", "1234567890.12345")]
    [InlineData("1234567890.12345", "123456789012345.1H.5-beta")]
    [InlineData("123456789012345.1H.5-beta", "12345678901234567890.1H.5-beta")]
    [InlineData("1-0.alpha", "1")]
    [InlineData("1-0.beta", "1")]
    [InlineData("J", "7")]
    [InlineData("c", "7")]
    [InlineData("aardvark", "zebra")]
    public void Orders_as_Maven_does(string lower, string higher)
    {
        Assert.Equal(-1, S.Compare(lower, higher));
        Assert.Equal(1, S.Compare(higher, lower));
    }

    [Fact]
    public void Rejects_only_empty_overlong_or_spaced_text()
    {
        Assert.False(S.IsValid(""));
        Assert.False(S.IsValid("1.0 beta"));
        Assert.False(S.IsValid("1." + new string('0', 100_000)));
        Assert.Null(S.Compare("", "1.0"));
        Assert.True(S.IsValid("whatever-1.x"));
        Assert.Equal(1, S.Compare("1." + new string('9', 200), "1." + new string('9', 199)));
        Assert.Equal("Maven", S.Ecosystem);
    }

    private static void AssertAscending(string[] versions)
    {
        for (var i = 0; i < versions.Length; i++)
        {
            for (var j = i + 1; j < versions.Length; j++)
            {
                Assert.True(S.Compare(versions[i], versions[j]) == -1, $"{versions[i]} < {versions[j]}");
                Assert.True(S.Compare(versions[j], versions[i]) == 1, $"{versions[j]} > {versions[i]}");
            }
        }
    }
}
