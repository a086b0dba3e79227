using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Versions;

/// <summary>
/// PEP 440 ordering. The bulk check is 1,500 pairs ordered by the `packaging` library (PypiVersionPairs.cs, written by
/// gen-pypi-pairs.py); the named cases are PEP 440's own examples.
/// </summary>
public sealed class PypiVersionSchemeTests
{
    private static readonly PypiVersionScheme S = PypiVersionScheme.Instance;

    [Fact]
    public void Orders_every_generated_pair_as_packaging_does()
    {
        var wrong = PypiVersionPairs.Pairs
            .Where(p => S.Compare(p.A, p.B) != p.Order || S.Compare(p.B, p.A) != -p.Order)
            .Select(p => $"{p.A} vs {p.B}: packaging {p.Order}, ours {S.Compare(p.A, p.B)}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.True(PypiVersionPairs.Pairs.Length >= 1000);
    }

    [Fact]
    public void Rejects_what_packaging_rejects()
    {
        foreach (var v in PypiVersionPairs.Invalid)
        {
            Assert.False(S.IsValid(v), v);
            Assert.Null(S.Compare(v, "1.0"));
        }
    }

    [Theory]
    [InlineData("1.0a1", "1.0.0a1")]
    [InlineData("1.0", "1.0.0")]
    [InlineData("1.0.post1", "1.0-1")]
    [InlineData("1.0.post1", "1.0-r1")]
    [InlineData("1.0a1", "1.0-ALPHA.1")]
    [InlineData("1.0rc1", "1.0c1")]
    [InlineData("1.0rc1", "1.0-pre1")]
    [InlineData("1.0.dev0", "1.0-dev")]
    [InlineData("1!1.0", "1!1.0.0")]
    [InlineData("0!1.0", "v1.0")]
    [InlineData("1.0+abc.5", "1.0+ABC-5")]
    public void Normalises_as_PEP_440_says(string a, string b) => Assert.Equal(0, S.Compare(a, b));

    [Fact]
    public void Follows_the_PEP_440_ordering_examples()
    {
        string[] ascending =
        [
            "1.dev0", "1.0.dev456", "1.0a0", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
            "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5", "1.0+abc.7", "1.0+5",
            "1.0.post0", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1", "2.0", "1!0.1",
        ];
        for (var i = 1; i < ascending.Length; i++)
        {
            Assert.True(S.Compare(ascending[i - 1], ascending[i]) == -1, $"{ascending[i - 1]} < {ascending[i]}");
        }
    }

    [Fact]
    public void Hostile_text_is_invalid_not_an_exception()
    {
        Assert.False(S.IsValid("1." + new string('0', 100_000)));
        Assert.False(S.IsValid(string.Concat(Enumerable.Repeat("1.0a", 5_000))));
        Assert.True(S.Compare("1." + new string('9', 200), "1." + new string('9', 199)) == 1);
        Assert.Equal("PyPI", S.Ecosystem);
    }
}
