using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Versions;

/// <summary>Alpine versions ordered as apk-tools orders them, checked on apk-tools' own test vectors.</summary>
public sealed class ApkVersionSchemeTests
{
    private static readonly ApkVersionScheme S = ApkVersionScheme.Instance;

    [Fact]
    public void Agrees_with_apk_tools_test_vectors()
    {
        var bad = new List<string>();
        int comparisons = 0, validity = 0;
        var lines = File.ReadAllLines(Path.Combine(OsVersionFixtures.DataDir(), "apk-version.data"));
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0) line = line[..hash];
            line = line.Trim();
            if (line.Length == 0) continue;
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 1)
            {
                var invalid = f[0].StartsWith('!');
                var v = invalid ? f[0][1..] : f[0];
                validity++;
                if (S.IsValid(v) == invalid) bad.Add($"line {i + 1}: '{v}' should be {(invalid ? "invalid" : "valid")}");
                continue;
            }
            var (a, op, b) = (f[0], f[1], f[2]);
            var negate = op.StartsWith('!');
            if (negate) op = op[1..];
            // '~' is apk's fuzzy dependency match (a prefix test), not an ordering: out of scope.
            if (op.Contains('~', StringComparison.Ordinal)) continue;
            var got = S.Compare(a, b);
            comparisons++;
            if (!S.IsValid(a) || !S.IsValid(b))
            {
                // apk string-sorts invalid versions; this scheme refuses to guess.
                if (got is not null) bad.Add($"line {i + 1}: '{line}' has an invalid side but compared");
                continue;
            }
            var holds = op switch { "<" => got < 0, ">" => got > 0, "=" => got == 0, _ => throw new InvalidDataException(op) };
            if (holds == negate) bad.Add($"line {i + 1}: '{line}' does not hold (compare = {got})");
            var back = S.Compare(b, a);
            if (Math.Sign(back!.Value) != -Math.Sign(got!.Value)) bad.Add($"line {i + 1}: '{line}' is not antisymmetric");
        }
        Assert.True(comparisons >= 700, $"only {comparisons} comparisons");
        Assert.True(validity >= 30, $"only {validity} validity lines");
        Assert.True(bad.Count == 0, string.Join('\n', bad));
    }

    [Theory]
    [InlineData("1.0_rc1", "1.0", -1)]
    [InlineData("1.0_p1", "1.0", 1)]
    [InlineData("1.0_alpha", "1.0_beta", -1)]
    [InlineData("1.0_git20240101", "1.0_p1", -1)]
    [InlineData("1.0-r1", "1.0-r10", -1)]
    [InlineData("1.0a", "1.0", 1)]
    [InlineData("1.01", "1.1", -1)]
    [InlineData("3.0.0-r0", "3.0.0", 1)] // apk: an explicit -r0 sorts after no revision
    [InlineData("1.99999999999999999999999", "1.99999999999999999999998", 1)]
    public void Orders_the_rules_users_rely_on(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(S.Compare(a, b)!.Value));
    }

    [Fact]
    public void Hostile_input_is_invalid_without_throwing()
    {
        Assert.False(S.IsValid(new string('1', ApkVersionScheme.MaxLength + 1)));
        Assert.True(S.IsValid(new string('1', ApkVersionScheme.MaxLength)));
        Assert.False(S.IsValid(null!));
        Assert.False(S.IsValid(""));
        Assert.False(S.IsValid("1.0\0"));
        Assert.Null(S.Compare("1.0_foo", "1.0"));
        Assert.Null(S.Compare("1.0", "1.0-r"));
        Assert.Equal("Alpine", S.Ecosystem);
        Assert.Equal(["Alpine"], ApkVersionScheme.Ecosystems);
    }
}
