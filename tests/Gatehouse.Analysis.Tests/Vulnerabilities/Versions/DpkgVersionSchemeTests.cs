using System.Diagnostics;
using System.Security.Cryptography;
using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Versions;

/// <summary>Debian versions ordered as <c>dpkg --compare-versions</c> orders them.</summary>
public sealed class DpkgVersionSchemeTests
{
    private static readonly DpkgVersionScheme S = DpkgVersionScheme.Instance;

    [Fact]
    public void Agrees_with_dpkg_on_every_recorded_pair()
    {
        var pairs = OsVersionFixtures.Pairs("dpkg-pairs.tsv");
        Assert.True(pairs.Count >= 500, $"only {pairs.Count} pairs");
        Assert.True(pairs.Count(p => p.Expected != "invalid") >= 400, "too few valid pairs");
        var bad = OsVersionFixtures.Mismatches(S, "dpkg-pairs.tsv");
        Assert.True(bad.Count == 0, string.Join('\n', bad));
    }

    [Theory]
    [InlineData("1.0~rc1", "1.0", -1)]
    [InlineData("1.0~~", "1.0~", -1)]
    [InlineData("1.0", "1.0-0", 0)]
    [InlineData("1:0.1", "2.0", 1)]
    [InlineData("1.0a", "1.0+", -1)]
    [InlineData("1.0-1+deb12u1", "1.0-1", 1)]
    [InlineData("99999999999999999999999999999999999999", "99999999999999999999999999999999999998", 1)]
    [InlineData("007", "7", 0)]
    public void Orders_the_rules_users_rely_on(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(S.Compare(a, b)!.Value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a1.0")]
    [InlineData("1.0-")]
    [InlineData("1:")]
    [InlineData(":1")]
    [InlineData("-1:1")]
    [InlineData("2147483648:1")]
    [InlineData("1 0")]
    [InlineData("1.0_1")]
    [InlineData("1.0-1:1")]
    public void Rejects_what_dpkg_rejects_or_warns_about(string v)
    {
        Assert.False(S.IsValid(v));
        Assert.Null(S.Compare(v, "1.0"));
        Assert.Null(S.Compare("1.0", v));
    }

    [Fact]
    public void Ignores_surrounding_white_space_like_dpkg()
    {
        Assert.Equal(0, S.Compare(" 1.0-1\t", "1.0-1"));
    }

    [Fact]
    public void Hostile_input_is_invalid_without_throwing()
    {
        Assert.False(S.IsValid(new string('1', DpkgVersionScheme.MaxLength + 1)));
        Assert.True(S.IsValid(new string('1', DpkgVersionScheme.MaxLength)));
        Assert.False(S.IsValid(null!));
        Assert.False(S.IsValid("1.0\0"));
        Assert.False(S.IsValid("1.\u00e90"));
        Assert.Equal(0, S.Compare(new string('0', 200) + "1", "1"));
    }

    [Fact]
    public void Serves_debian_and_ubuntu()
    {
        Assert.Equal("Debian", S.Ecosystem);
        Assert.Equal(["Debian", "Ubuntu"], DpkgVersionScheme.Ecosystems);
    }

    private static readonly string[] Atoms =
        ["0", "1", "2", "10", "01", "9", "a", "b", "Z", "rc", ".", "+", "~", "-", "dfsg", "ubuntu", "00"];

    private static string RandomVersion()
    {
        var s = RandomNumberGenerator.GetInt32(2) == 0 ? "" : RandomNumberGenerator.GetInt32(3) + ":";
        s += RandomNumberGenerator.GetInt32(12).ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var n = RandomNumberGenerator.GetInt32(6); n > 0; n--) s += Atoms[RandomNumberGenerator.GetInt32(Atoms.Length)];
        return s;
    }

    /// <summary>Random pairs, answered live by dpkg when it is installed (Debian CI); a no-op elsewhere.</summary>
    [Fact]
    public void Agrees_with_live_dpkg_on_random_pairs()
    {
        if (!DpkgOnPath()) return;
        var bad = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var a = RandomVersion();
            var b = RandomNumberGenerator.GetInt32(2) == 0 ? RandomVersion() : a + Atoms[RandomNumberGenerator.GetInt32(Atoms.Length)];
            var (lt, ltErr) = Dpkg(a, "lt", b);
            int? want;
            if (ltErr.Length > 0 || lt > 1) want = null;
            else if (lt == 0) want = -1;
            else want = Dpkg(a, "eq", b).Code == 0 ? 0 : 1;
            var got = S.Compare(a, b);
            if ((got is { } g ? Math.Sign(g) : (int?)null) != want) bad.Add($"'{a}' vs '{b}': dpkg {want?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "invalid"}, got {got}");
        }
        Assert.True(bad.Count == 0, string.Join('\n', bad));
    }

    private static bool DpkgOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "dpkg")));

    private static (int Code, string Err) Dpkg(string a, string op, string b)
    {
        var psi = new ProcessStartInfo("dpkg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "--compare-versions", "--", a, op, b }) psi.ArgumentList.Add(arg);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, err.Trim());
    }
}
