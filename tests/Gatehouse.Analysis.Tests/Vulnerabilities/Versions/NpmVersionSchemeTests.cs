using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Versions;

/// <summary>
/// npm ordering as node-semver defines it. The pairs are node-semver's own fixtures (test/fixtures/comparisons.js and
/// equality.js, copied as data; the strict/loose flag dropped because npm parses loosely).
/// </summary>
public sealed class NpmVersionSchemeTests
{
    private static readonly NpmVersionScheme S = NpmVersionScheme.Instance;

    // node-semver comparisons.js: the first is greater than the second.
    public static TheoryData<string, string> Greater => new()
    {
        { "0.0.0", "0.0.0-foo" },
        { "0.0.1", "0.0.0" },
        { "1.0.0", "0.9.9" },
        { "0.10.0", "0.9.0" },
        { "0.99.0", "0.10.0" },
        { "2.0.0", "1.2.3" },
        { "v0.0.0", "0.0.0-foo" },
        { "v0.0.1", "0.0.0" },
        { "v1.0.0", "0.9.9" },
        { "v0.10.0", "0.9.0" },
        { "v0.99.0", "0.10.0" },
        { "v2.0.0", "1.2.3" },
        { "0.0.0", "v0.0.0-foo" },
        { "0.0.1", "v0.0.0" },
        { "1.0.0", "v0.9.9" },
        { "0.10.0", "v0.9.0" },
        { "0.99.0", "v0.10.0" },
        { "2.0.0", "v1.2.3" },
        { "1.2.3", "1.2.3-asdf" },
        { "1.2.3", "1.2.3-4" },
        { "1.2.3", "1.2.3-4-foo" },
        { "1.2.3-5-foo", "1.2.3-5" },
        { "1.2.3-5", "1.2.3-4" },
        { "1.2.3-5-foo", "1.2.3-5-Foo" },
        { "3.0.0", "2.7.2+asdf" },
        { "1.2.3-a.10", "1.2.3-a.5" },
        { "1.2.3-a.b", "1.2.3-a.5" },
        { "1.2.3-a.b", "1.2.3-a" },
        { "1.2.3-a.b.c.10.d.5", "1.2.3-a.b.c.5.d.100" },
        { "1.2.3-r2", "1.2.3-r100" },
        { "1.2.3-r100", "1.2.3-R2" },
        // SemVer 2.0 spec section 11 chain, and numbers beyond Int64 in a prerelease compared as numbers.
        { "1.0.0-alpha.1", "1.0.0-alpha" },
        { "1.0.0-alpha.beta", "1.0.0-alpha.1" },
        { "1.0.0-beta", "1.0.0-alpha.beta" },
        { "1.0.0-beta.2", "1.0.0-beta" },
        { "1.0.0-beta.11", "1.0.0-beta.2" },
        { "1.0.0-rc.1", "1.0.0-beta.11" },
        { "1.0.0", "1.0.0-rc.1" },
        { "1.0.0-100000000000000000000000", "1.0.0-99999999999999999999999" },
        { "9007199254740991.0.0", "9007199254740990.9.9" },
    };

    // node-semver equality.js: the two are equal.
    public static TheoryData<string, string> Equal => new()
    {
        { "1.2.3", "v1.2.3" },
        { "1.2.3", "=1.2.3" },
        { "1.2.3", "v 1.2.3" },
        { "1.2.3", "= 1.2.3" },
        { "1.2.3", " v1.2.3" },
        { "1.2.3", " =1.2.3" },
        { "1.2.3", " v 1.2.3" },
        { "1.2.3", " = 1.2.3" },
        { "1.2.3-0", "v1.2.3-0" },
        { "1.2.3-0", "=1.2.3-0" },
        { "1.2.3-0", "v 1.2.3-0" },
        { "1.2.3-0", "= 1.2.3-0" },
        { "1.2.3-0", " v1.2.3-0" },
        { "1.2.3-0", " =1.2.3-0" },
        { "1.2.3-0", " v 1.2.3-0" },
        { "1.2.3-0", " = 1.2.3-0" },
        { "1.2.3-1", "v1.2.3-1" },
        { "1.2.3-1", "=1.2.3-1" },
        { "1.2.3-1", "v 1.2.3-1" },
        { "1.2.3-1", "= 1.2.3-1" },
        { "1.2.3-1", " v1.2.3-1" },
        { "1.2.3-1", " =1.2.3-1" },
        { "1.2.3-1", " v 1.2.3-1" },
        { "1.2.3-1", " = 1.2.3-1" },
        { "1.2.3-beta", "v1.2.3-beta" },
        { "1.2.3-beta", "=1.2.3-beta" },
        { "1.2.3-beta", "v 1.2.3-beta" },
        { "1.2.3-beta", "= 1.2.3-beta" },
        { "1.2.3-beta", " v1.2.3-beta" },
        { "1.2.3-beta", " =1.2.3-beta" },
        { "1.2.3-beta", " v 1.2.3-beta" },
        { "1.2.3-beta", " = 1.2.3-beta" },
        { "1.2.3-beta+build", " = 1.2.3-beta+otherbuild" },
        { "1.2.3+build", " = 1.2.3+otherbuild" },
        { "1.2.3-beta+build", "1.2.3-beta+otherbuild" },
        { "1.2.3+build", "1.2.3+otherbuild" },
        { "  v1.2.3+build", "1.2.3+otherbuild" },
        // Loose parsing: leading zeros and a missing '-' before the prerelease.
        { "01.02.03", "1.2.3" },
        { "1.2.3beta", "1.2.3-beta" },
    };

    [Theory, MemberData(nameof(Greater))]
    public void Orders_as_node_semver_does(string greater, string lower)
    {
        Assert.Equal(1, S.Compare(greater, lower));
        Assert.Equal(-1, S.Compare(lower, greater));
    }

    [Theory, MemberData(nameof(Equal))]
    public void Treats_as_equal_what_node_semver_treats_as_equal(string a, string b)
    {
        Assert.Equal(0, S.Compare(a, b));
        Assert.Equal(0, S.Compare(b, a));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("a.b.c")]
    [InlineData("1.2.3-beta..1")]
    [InlineData("1.2.3+")]
    [InlineData("1.2.3-be_ta")]
    [InlineData("9007199254740992.0.0")] // above Number.MAX_SAFE_INTEGER
    [InlineData("99999999999999999999999999.0.0")]
    public void Rejects_what_node_semver_rejects(string version)
    {
        Assert.False(S.IsValid(version));
        Assert.Null(S.Compare(version, "1.0.0"));
        Assert.Null(S.Compare("1.0.0", version));
    }

    [Fact]
    public void Hostile_text_is_invalid_not_an_exception()
    {
        Assert.False(S.IsValid("1.0.0-" + new string('1', 100_000)));
        Assert.False(S.IsValid(new string('v', 300) + "1.0.0"));
        Assert.True(S.IsValid("1.0.0-" + new string('9', 200)));
        Assert.Equal("npm", S.Ecosystem);
    }
}
