using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Versions;

/// <summary>
/// Composer's ordering: normalisation cases from composer/semver's <c>VersionParserTest::successfulNormalizedVersions</c>
/// and orderings that follow from PHP's <c>version_compare</c> on normalised versions (<c>Comparator::compare</c>).
/// </summary>
public sealed class ComposerVersionSchemeTests
{
    private static readonly ComposerVersionScheme Scheme = ComposerVersionScheme.Instance;

    [Theory]
    [InlineData("1.0.0", "1.0.0.0")]
    [InlineData("1.2.3.4", "1.2.3.4")]
    [InlineData("1.0.0RC1dev", "1.0.0.0-RC1-dev")]
    [InlineData("1.0.0-rC15-dev", "1.0.0.0-RC15-dev")]
    [InlineData("1.0.0.RC.15-dev", "1.0.0.0-RC15-dev")]
    [InlineData("1.0.0-rc1", "1.0.0.0-RC1")]
    [InlineData("10.4.13-beta", "10.4.13.0-beta")]
    [InlineData("10.4.13beta2", "10.4.13.0-beta2")]
    [InlineData("10.4.13beta.2", "10.4.13.0-beta2")]
    [InlineData("10.4.13-b", "10.4.13.0-beta")]
    [InlineData("10.4.13-b5", "10.4.13.0-beta5")]
    [InlineData("v1.0.0", "1.0.0.0")]
    [InlineData("v20100102", "20100102")]
    [InlineData("2010.01", "2010.01.0.0")]
    [InlineData("2010.01.02", "2010.01.02.0")]
    [InlineData("2010-01-02", "2010.01.02")]
    [InlineData("20100102-203040", "20100102.203040")]
    [InlineData("20100102203040-10", "20100102203040.10")]
    [InlineData("20100102-203040-p1", "20100102.203040-patch1")]
    [InlineData("1.0.0-stable", "1.0.0.0")]
    [InlineData("1.0.0-pl3", "1.0.0.0-patch3")]
    [InlineData("1.0.0-p1", "1.0.0.0-patch1")]
    [InlineData("1.0.0+foo", "1.0.0.0")]
    [InlineData("1.0.0-rc1+foo", "1.0.0.0-RC1")]
    [InlineData("1.0-dev", "1.0.0.0-dev")]
    public void Versions_normalise_as_composer_semver_does(string version, string normalized)
    {
        Assert.Equal(normalized, ComposerVersionScheme.Normalize(version));
    }

    [Theory]
    [InlineData("dev-master")]
    [InlineData("dev-feature/foo")]
    [InlineData("1.x-dev")]
    [InlineData("1.0.0 as 2.0.0")]
    [InlineData("")]
    [InlineData("latest")]
    [InlineData("1.0.0-foo")]
    public void Branches_and_what_composer_rejects_are_invalid(string version)
    {
        Assert.False(Scheme.IsValid(version));
        Assert.Null(Scheme.Compare(version, "1.0.0"));
    }

    [Theory]
    [InlineData("1.0.0-dev", "1.0.0-alpha1")]
    [InlineData("1.0.0-alpha1", "1.0.0-alpha2")]
    [InlineData("1.0.0-alpha", "1.0.0-alpha1")]
    [InlineData("1.0.0-alpha2", "1.0.0-beta1")]
    [InlineData("1.0.0-beta2", "1.0.0-RC1")]
    [InlineData("1.0.0-RC9", "1.0.0-RC10")]
    [InlineData("1.0.0-RC1", "1.0.0")]
    [InlineData("1.0.0", "1.0.0-patch1")]
    [InlineData("1.0.0-pl1", "1.0.1")]
    [InlineData("1.0.0-dev", "1.0.0")]
    [InlineData("1.9", "1.10")]
    [InlineData("1.99.99", "2.0")]
    [InlineData("v5.4.9", "v5.4.10")]
    [InlineData("2.4.0-beta.1", "2.4.0")]
    [InlineData("1.2.3.4", "1.2.3.5")]
    public void Older_sorts_before_newer(string older, string newer)
    {
        Assert.Equal(-1, Scheme.Compare(older, newer));
        Assert.Equal(1, Scheme.Compare(newer, older));
    }

    [Theory]
    [InlineData("1.0.0", "v1.0.0")]
    [InlineData("1", "1.0.0.0")]
    [InlineData("1.0.0-beta.2", "1.0.0-b2")]
    [InlineData("1.0.0-RC1", "1.0.0-rc1")]
    [InlineData("1.0.0+build.5", "1.0.0")]
    [InlineData("1.0.0-stable", "1.0.0")]
    [InlineData("1.0.0-p2", "1.0.0-pl2")]
    public void Spellings_of_one_version_are_equal(string a, string b)
    {
        Assert.Equal(0, Scheme.Compare(a, b));
    }
}
