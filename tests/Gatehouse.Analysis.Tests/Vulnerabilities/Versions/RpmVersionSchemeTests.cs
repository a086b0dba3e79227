using System.Text.RegularExpressions;
using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Versions;

/// <summary>RPM versions ordered as rpm orders them, checked on rpm's own rpmvercmp test data.</summary>
public sealed partial class RpmVersionSchemeTests
{
    private static readonly RpmVersionScheme S = RpmVersionScheme.Instance;

    [GeneratedRegex(@"^RPMVERCMP\(([^,]*), ([^,]*), (-?[01])\)$")]
    private static partial Regex Line();

    [Fact]
    public void Agrees_with_rpms_own_rpmvercmp_tests()
    {
        var bad = new List<string>();
        var n = 0;
        foreach (var line in File.ReadAllLines(Path.Combine(OsVersionFixtures.DataDir(), "rpm-vercmp.data")))
        {
            if (line.StartsWith('#')) continue;
            var m = Line().Match(line);
            Assert.True(m.Success, "unparsed line: " + line);
            var (a, b, want) = (m.Groups[1].Value, m.Groups[2].Value, int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
            n++;
            // Both the raw rpmvercmp and the full scheme (a version without epoch or release) must agree.
            if (RpmVersionScheme.VerCmp(a, b) != want) bad.Add($"rpmvercmp {line}: got {RpmVersionScheme.VerCmp(a, b)}");
            var got = S.Compare(a, b);
            if (got is null || Math.Sign(got.Value) != want) bad.Add($"Compare {line}: got {got?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}");
        }
        Assert.True(n >= 90, $"only {n} lines");
        Assert.True(bad.Count == 0, string.Join('\n', bad));
    }

    [Theory]
    [InlineData("1:1.0-1", "2.0-1", 1)]
    [InlineData("0:1.0-1", "1.0-1", 0)]
    [InlineData(":1.0-1", "1.0-1", 0)]
    [InlineData("1.0", "1.0-1", -1)]
    [InlineData("1.0-1.el9", "1.0-1.el9_2", -1)]
    [InlineData("2.34-60.el9", "2.34-100.el9", -1)]
    [InlineData("1.0~rc1-1", "1.0-1", -1)]
    [InlineData("1.0^20240101-1", "1.0-1", 1)]
    [InlineData("5.14.0-427.13.1.el9_4", "5.14.0-427.13.1.el9_4", 0)]
    [InlineData("1.99999999999999999999999-1", "1.99999999999999999999998-1", 1)]
    public void Orders_epoch_version_release(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(S.Compare(a, b)!.Value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.0-")]
    [InlineData("1:")]
    [InlineData("1:-1")]
    [InlineData("a:1.0")]
    [InlineData("1.0 1")]
    [InlineData("1.0-1-")]
    [InlineData("1.0/1")]
    [InlineData("1.0-1\0")]
    public void Rejects_what_rpmbuild_would_not_produce(string v)
    {
        Assert.False(S.IsValid(v));
        Assert.Null(S.Compare(v, "1.0"));
        Assert.Null(S.Compare("1.0", v));
    }

    [Fact]
    public void Hostile_input_is_invalid_without_throwing()
    {
        Assert.False(S.IsValid(new string('1', RpmVersionScheme.MaxLength + 1)));
        Assert.True(S.IsValid(new string('1', RpmVersionScheme.MaxLength)));
        Assert.False(S.IsValid(null!));
        Assert.Equal(0, S.Compare(new string('~', 200), new string('~', 200)));
        Assert.Equal("Red Hat", S.Ecosystem);
        Assert.Contains("Rocky Linux", RpmVersionScheme.Ecosystems);
        Assert.Contains("SUSE", RpmVersionScheme.Ecosystems);
    }
}
