namespace Gatehouse.Analysis.Vulnerabilities.Versions;

/// <summary>
/// Maven version ordering (OSV ecosystem <c>Maven</c>) as Maven's <c>ComparableVersion</c> defines it (maven-artifact):
/// a version is split into items at <c>.</c>, <c>-</c> and digit/letter transitions; <c>-</c> (and a qualifier after
/// <c>.</c>) opens a sub-list; numbers compare as numbers of any size; qualifiers order
/// <c>alpha &lt; beta &lt; milestone &lt; rc = cr &lt; snapshot &lt; "" = ga = final = release &lt; sp</c>, then unknown
/// qualifiers as text; <c>a1</c>/<c>b1</c>/<c>m1</c> mean alpha/beta/milestone; case-insensitive; trailing zeros and
/// release qualifiers drop out, so <c>1</c> == <c>1.0</c> == <c>1.0.0</c> == <c>1-ga</c>. Every non-empty string is a
/// Maven version; only empty, over-long or whitespace-bearing text is rejected. Test data: Maven's ComparableVersionTest
/// (VERSIONS_QUALIFIER, VERSIONS_NUMBER, testVersionsEqual, testVersionComparing and the MNG regression cases).
/// </summary>
public sealed class MavenVersionScheme : IVersionScheme
{
    /// <summary>The shared instance (stateless).</summary>
    public static MavenVersionScheme Instance { get; } = new();

    private static readonly string[] Qualifiers = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
    private const string ReleaseIndex = "5";

    private MavenVersionScheme()
    {
    }

    /// <inheritdoc />
    public string Ecosystem => "Maven";

    /// <inheritdoc />
    public bool IsValid(string version) => Parse(version) is not null;

    /// <inheritdoc />
    public int? Compare(string a, string b)
    {
        var x = Parse(a);
        var y = Parse(b);
        if (x is null || y is null)
        {
            return null;
        }
        return Math.Sign(x.CompareTo(y));
    }

    private abstract class Item
    {
        public abstract bool IsNull { get; }

        /// <summary>Compares with another item, or with "nothing" (null) when the other version has run out.</summary>
        public abstract int CompareTo(Item? other);
    }

    private sealed class IntItem(string digits) : Item
    {
        public string Digits { get; } = digits.TrimStart('0');

        public override bool IsNull => Digits.Length == 0;

        public override int CompareTo(Item? other) => other switch
        {
            null => IsNull ? 0 : 1, // 1.0 == 1, 1.1 > 1
            IntItem i => LanguageVersionText.CompareDigits(Digits, i.Digits),
            _ => 1, // 1.1 > 1-sp, 1.1 > 1-1
        };
    }

    private sealed class StringItem : Item
    {
        public StringItem(string value, bool followedByDigit)
        {
            if (followedByDigit && value.Length == 1)
            {
                value = value switch { "a" => "alpha", "b" => "beta", "m" => "milestone", _ => value };
            }
            Value = value switch { "ga" or "final" or "release" => "", "cr" => "rc", _ => value };
        }

        public string Value { get; }

        public override bool IsNull => Comparable(Value) == ReleaseIndex;

        public override int CompareTo(Item? other) => other switch
        {
            null => string.CompareOrdinal(Comparable(Value), ReleaseIndex),
            StringItem s => string.CompareOrdinal(Comparable(Value), Comparable(s.Value)),
            CombinationItem c => CompareTo(c.StringPart) is var r && r == 0 ? -1 : r, // X < X1
            _ => -1, // 1.any < 1.1, 1.any < 1-1
        };

        private static string Comparable(string qualifier)
        {
            var i = Array.IndexOf(Qualifiers, qualifier);
            return i < 0 ? Qualifiers.Length + "-" + qualifier : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A letters-then-digits token such as <c>alpha2</c> or <c>rc-1</c>.</summary>
    private sealed class CombinationItem : Item
    {
        public CombinationItem(string value)
        {
            var index = 0;
            for (var i = 0; i < value.Length; i++)
            {
                if (char.IsAsciiDigit(value[i]))
                {
                    index = i;
                    break;
                }
            }
            StringPart = new StringItem(value[..index], followedByDigit: true);
            DigitPart = ParseItem(false, true, value[index..]);
        }

        public StringItem StringPart { get; }

        public Item DigitPart { get; }

        public override bool IsNull => false;

        public override int CompareTo(Item? other)
        {
            switch (other)
            {
                case null:
                    return StringPart.CompareTo(null); // 1-rc1 < 1
                case StringItem s:
                    var r = StringPart.CompareTo(s);
                    return r == 0 ? 1 : r; // X1 > X
                case CombinationItem c:
                    var r2 = StringPart.CompareTo(c.StringPart);
                    return r2 == 0 ? DigitPart.CompareTo(c.DigitPart) : r2;
                default:
                    return -1;
            }
        }
    }

    private sealed class ListItem : Item
    {
        public List<Item> Items { get; } = [];

        public override bool IsNull => Items.Count == 0;

        /// <summary>Drops trailing null items (0, "", empty lists), looking past trailing non-null sub-lists.</summary>
        public void Normalize()
        {
            for (var i = Items.Count - 1; i >= 0; i--)
            {
                var last = Items[i];
                if (last.IsNull)
                {
                    Items.RemoveAt(i);
                }
                else if (last is not ListItem)
                {
                    break;
                }
            }
        }

        public override int CompareTo(Item? other)
        {
            switch (other)
            {
                case null:
                    // Every item against nothing, not only the first (MNG-6964: 1-0.alpha < 1).
                    foreach (var item in Items)
                    {
                        var r = item.CompareTo(null);
                        if (r != 0)
                        {
                            return r;
                        }
                    }
                    return 0;
                case IntItem:
                    return -1; // 1-1 < 1.0.x
                case ListItem l:
                    for (var i = 0; i < Math.Max(Items.Count, l.Items.Count); i++)
                    {
                        var left = i < Items.Count ? Items[i] : null;
                        var right = i < l.Items.Count ? l.Items[i] : null;
                        var r = left is null ? (right is null ? 0 : -right.CompareTo(null)) : left.CompareTo(right);
                        if (r != 0)
                        {
                            return r;
                        }
                    }
                    return 0;
                default:
                    return 1; // 1-1 > 1-sp
            }
        }
    }

    private static Item ParseItem(bool isCombination, bool isDigit, string buf) =>
        isCombination ? new CombinationItem(buf.Replace("-", "", StringComparison.Ordinal))
        : isDigit ? new IntItem(buf)
        : new StringItem(buf, followedByDigit: false);

    private static ListItem? Parse(string version)
    {
        if (string.IsNullOrEmpty(version) || version.Length > LanguageVersionText.MaxLength)
        {
            return null;
        }
        foreach (var ch in version)
        {
            if (char.IsWhiteSpace(ch) || char.IsControl(ch))
            {
                return null;
            }
        }
        var v = version.ToLowerInvariant();
        var root = new ListItem();
        var list = root;
        var stack = new Stack<ListItem>();
        stack.Push(list);
        var isDigit = false;
        var isCombination = false;
        var start = 0;
        for (var i = 0; i < v.Length; i++)
        {
            var c = v[i];
            if (c == '.')
            {
                list.Items.Add(i == start ? new IntItem("0") : ParseItem(isCombination, isDigit, v[start..i]));
                isCombination = false;
                start = i + 1;
            }
            else if (c == '-')
            {
                if (i == start)
                {
                    list.Items.Add(new IntItem("0"));
                }
                else
                {
                    // X-1 is read as X1.
                    if (!isDigit && i != v.Length - 1 && char.IsAsciiDigit(v[i + 1]))
                    {
                        isCombination = true;
                        continue;
                    }
                    list.Items.Add(ParseItem(isCombination, isDigit, v[start..i]));
                }
                start = i + 1;
                var sub = new ListItem();
                list.Items.Add(sub);
                list = sub;
                stack.Push(list);
                isCombination = false;
            }
            else if (char.IsAsciiDigit(c))
            {
                if (!isDigit && i > start)
                {
                    // X1
                    isCombination = true;
                    if (list.Items.Count > 0)
                    {
                        var sub = new ListItem();
                        list.Items.Add(sub);
                        list = sub;
                        stack.Push(list);
                    }
                }
                isDigit = true;
            }
            else
            {
                if (isDigit && i > start)
                {
                    list.Items.Add(ParseItem(isCombination, true, v[start..i]));
                    start = i;
                    var sub = new ListItem();
                    list.Items.Add(sub);
                    list = sub;
                    stack.Push(list);
                    isCombination = false;
                }
                isDigit = false;
            }
        }
        if (v.Length > start)
        {
            // 1.0.0.X1 < 1.0.0-X2: a trailing qualifier after '.' is treated as after '-'.
            if (!isDigit && list.Items.Count > 0)
            {
                var sub = new ListItem();
                list.Items.Add(sub);
                list = sub;
                stack.Push(list);
            }
            list.Items.Add(ParseItem(isCombination, isDigit, v[start..]));
        }
        while (stack.Count > 0)
        {
            stack.Pop().Normalize();
        }
        return root;
    }
}
