using System.Text.RegularExpressions;
using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Charts;

/// <summary>
/// A version constraint in the syntax Helm uses for <c>kubeVersion</c> and dependency versions (Masterminds semver v3):
/// alternatives separated by <c>||</c>, each a list of comparisons separated by commas or spaces that must all hold;
/// operators <c>= != &gt; &lt; &gt;= &lt;= ~ ~&gt; ^</c>, hyphen ranges <c>1.2 - 1.4</c>, wildcards <c>x X *</c> and partial
/// versions (<c>1.2</c>, a leading <c>v</c> allowed). A version with a prerelease satisfies a comparison only when the
/// comparison's own version has one, as in Masterminds. Bounded: long constraints do not parse.
/// </summary>
public sealed partial class SemverConstraint
{
    private readonly List<List<Comparison>> _alternatives;

    private SemverConstraint(List<List<Comparison>> alternatives) => _alternatives = alternatives;

    private sealed record Comparison(string Op, int[] Parts, int Given, string? Pre);

    /// <summary>The constraint, or null when it does not parse.</summary>
    public static SemverConstraint? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 512) return null;
        var alternatives = new List<List<Comparison>>();
        foreach (var alt in text.Split("||"))
        {
            var list = new List<Comparison>();
            var a = alt.Trim();
            if (a.Length == 0) return null;
            var hyphen = Hyphen().Match(a);
            if (hyphen.Success)
            {
                if (Version(hyphen.Groups[1].Value) is not { } lo || Version(hyphen.Groups[2].Value) is not { } hi) return null;
                list.Add(new Comparison(">=", lo.Parts, lo.Given, lo.Pre));
                list.Add(new Comparison("<=", hi.Parts, hi.Given, hi.Pre));
                alternatives.Add(list);
                continue;
            }
            // "> 1.2" is one comparison: glue operators to the version that follows.
            var glued = OperatorSpace().Replace(a, "$1");
            foreach (var token in glued.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                var m = Op().Match(token);
                var op = m.Groups[1].Value;
                if (Version(token[m.Length..]) is not { } v) return null;
                list.Add(new Comparison(op switch { "" or "==" => "=", "=>" => ">=", "=<" => "<=", "~>" => "~", _ => op }, v.Parts, v.Given, v.Pre));
            }
            if (list.Count == 0) return null;
            alternatives.Add(list);
        }
        return new SemverConstraint(alternatives);
    }

    /// <summary>Whether <paramref name="version"/> (SemVer, a leading <c>v</c> allowed) satisfies the constraint; false when it is no version.</summary>
    public bool IsSatisfiedBy(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var v = version.StartsWith('v') ? version[1..] : version;
        if (!SemVer2VersionScheme.Instance.IsValid(v)) return false;
        return _alternatives.Any(all => all.All(c => Holds(c, v)));
    }

    private static bool Holds(Comparison c, string v)
    {
        var plus = v.IndexOf('+');
        var core = plus < 0 ? v : v[..plus];
        var dash = core.IndexOf('-');
        var hasPre = dash >= 0;
        if (hasPre && c.Pre is null) return false;
        var nums = (dash < 0 ? core : core[..dash]).Split('.').Select(s => s.Length > 9 ? int.MaxValue : int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        int Cmp(int[] parts, string? pre)
        {
            var bound = $"{parts[0]}.{parts[1]}.{parts[2]}" + (pre is null ? "" : "-" + pre);
            return SemVer2VersionScheme.Instance.Compare(v, bound) ?? 0;
        }
        // Compare only the parts that were given ("1.2" is 1.2.x), as Masterminds does for a partial version.
        int CmpGiven()
        {
            for (var i = 0; i < c.Given; i++)
                if (nums[i] != c.Parts[i]) return nums[i].CompareTo(c.Parts[i]);
            return c.Given == 3 ? Cmp(c.Parts, c.Pre) : 0;
        }
        switch (c.Op)
        {
            case "=": return CmpGiven() == 0;
            case "!=": return CmpGiven() != 0;
            case ">": return CmpGiven() > 0;
            case "<": return Cmp(c.Parts, c.Pre) < 0;
            case ">=": return Cmp(c.Parts, c.Pre) >= 0;
            case "<=": return CmpGiven() <= 0;
            case "~":
            {
                if (Cmp(c.Parts, c.Pre) < 0) return false;
                // ~1.2.3 and ~1.2: same major and minor; ~1: same major.
                if (nums[0] != c.Parts[0]) return false;
                return c.Given == 1 || nums[1] == c.Parts[1];
            }
            case "^":
            {
                if (Cmp(c.Parts, c.Pre) < 0) return false;
                if (c.Parts[0] > 0 || c.Given == 1) return nums[0] == c.Parts[0];
                if (c.Parts[1] > 0 || c.Given == 2) return nums[0] == 0 && nums[1] == c.Parts[1];
                return nums[0] == 0 && nums[1] == 0 && nums[2] == c.Parts[2];
            }
            default: return false;
        }
    }

    private sealed record PartialVersion(int[] Parts, int Given, string? Pre);

    private static PartialVersion? Version(string text)
    {
        var t = text.Trim();
        if (t.StartsWith('v') || t.StartsWith('V')) t = t[1..];
        var plus = t.IndexOf('+');
        if (plus >= 0) t = t[..plus];
        string? pre = null;
        var dash = t.IndexOf('-');
        if (dash >= 0)
        {
            pre = t[(dash + 1)..];
            t = t[..dash];
            if (pre.Length == 0 || !pre.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-')) return null;
        }
        var parts = t.Split('.');
        if (parts.Length is 0 or > 3) return null;
        var nums = new int[3];
        var given = 0;
        foreach (var p in parts)
        {
            if (p is "x" or "X" or "*") break;
            if (p.Length is 0 or > 9 || !p.All(char.IsAsciiDigit)) return null;
            nums[given++] = int.Parse(p, System.Globalization.CultureInfo.InvariantCulture);
        }
        if (given < 3) pre = given == 0 ? null : pre;
        return new PartialVersion(nums, given, pre);
    }

    [GeneratedRegex(@"^\s*(\S+)\s+-\s+(\S+)\s*$")]
    private static partial Regex Hyphen();

    [GeneratedRegex(@"(!=|==|>=|=>|<=|=<|~>|[=><~^])\s+")]
    private static partial Regex OperatorSpace();

    [GeneratedRegex(@"^(!=|==|>=|=>|<=|=<|~>|[=><~^])?")]
    private static partial Regex Op();
}
