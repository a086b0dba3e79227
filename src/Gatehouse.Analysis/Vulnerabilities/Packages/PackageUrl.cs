using System.Globalization;
using System.Text;

namespace Gatehouse.Analysis.Vulnerabilities.Packages;

/// <summary>
/// A package URL (purl, <c>pkg:type/namespace/name@version?qualifiers#subpath</c>, ECMA-427 / the package-url
/// specification): how catalogers name what they find, how the SBOM lists it and how advisories are matched to it.
/// Parsing and building follow the specification's algorithms and the type definitions' case and normalisation rules
/// for the ecosystems Gatehouse catalogs; <see cref="ToString"/> is the canonical form. Tested against the
/// specification's own test suite (purl-spec <c>tests/spec</c> and <c>tests/types</c>). Immutable.
/// </summary>
public sealed class PackageUrl : IEquatable<PackageUrl>
{
    /// <summary>Longest purl accepted (a bound on hostile input; real ones are a few hundred characters).</summary>
    public const int MaxLength = 4096;

    // Types whose namespace and name are case-insensitive (lower-cased), from the purl-spec type definitions.
    private static readonly HashSet<string> LowerNamespace = new(StringComparer.Ordinal) { "composer", "deb", "apk", "rpm", "github", "bitbucket", "alpm", "hex" };
    private static readonly HashSet<string> LowerName = new(StringComparer.Ordinal) { "composer", "deb", "apk", "github", "bitbucket", "pypi", "alpm", "hex" };
    // Types that have no namespace.
    private static readonly HashSet<string> NoNamespace = new(StringComparer.Ordinal) { "nuget", "pypi", "cargo", "gem", "pub", "hackage", "cran" };
    // Types that require one.
    private static readonly HashSet<string> NeedNamespace = new(StringComparer.Ordinal) { "maven", "golang", "composer", "deb", "apk", "rpm", "github", "bitbucket" };

    private PackageUrl(string type, string? ns, string name, string? version, IReadOnlyDictionary<string, string> qualifiers, string? subpath)
    {
        Type = type;
        Namespace = ns;
        Name = name;
        Version = version;
        Qualifiers = qualifiers;
        Subpath = subpath;
    }

    /// <summary>The package type (ecosystem), lower case: <c>npm</c>, <c>nuget</c>, <c>pypi</c>, <c>maven</c>, <c>deb</c>, ...</summary>
    public string Type { get; }

    /// <summary>The namespace (npm scope with its <c>@</c>, Maven groupId, Go module path prefix, deb vendor), segments joined by <c>/</c>; null when none.</summary>
    public string? Namespace { get; }

    /// <summary>The package name, normalised as its type requires.</summary>
    public string Name { get; }

    /// <summary>The version as the ecosystem writes it; null when none.</summary>
    public string? Version { get; }

    /// <summary>Qualifiers (keys lower case, sorted), e.g. <c>arch</c>, <c>distro</c>, <c>type</c>.</summary>
    public IReadOnlyDictionary<string, string> Qualifiers { get; }

    /// <summary>Path inside the package; null when none.</summary>
    public string? Subpath { get; }

    /// <summary>Builds a purl from its parts, normalising them as the type requires; throws <see cref="FormatException"/> when they cannot form one.</summary>
    public static PackageUrl Create(string type, string? ns, string name, string? version = null,
        IEnumerable<KeyValuePair<string, string>>? qualifiers = null, string? subpath = null)
    {
        if (!TryCreate(type, ns, name, version, qualifiers, subpath, out var purl, out var problem)) throw new FormatException(problem);
        return purl;
    }

    /// <summary>Builds a purl from its parts; false with the reason when they cannot form one.</summary>
    public static bool TryCreate(string? type, string? ns, string? name, string? version,
        IEnumerable<KeyValuePair<string, string>>? qualifiers, string? subpath, out PackageUrl purl, out string problem)
    {
        purl = null!;
        if (string.IsNullOrEmpty(type) || !ValidType(type))
        {
            problem = "the type is missing or has characters other than letters, digits, '.', '+' and '-' (or starts with a digit)";
            return false;
        }
        type = type.ToLowerInvariant();
        if (string.IsNullOrEmpty(name))
        {
            problem = "the name is missing";
            return false;
        }
        var segments = (ns ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var normalizedNs = segments.Length == 0 ? null : string.Join('/', segments);
        if (normalizedNs is not null && NoNamespace.Contains(type))
        {
            problem = $"a {type} purl has no namespace";
            return false;
        }
        if (normalizedNs is null && NeedNamespace.Contains(type))
        {
            problem = $"a {type} purl needs a namespace";
            return false;
        }
        if (normalizedNs is not null && LowerNamespace.Contains(type)) normalizedNs = normalizedNs.ToLowerInvariant();
        if (LowerName.Contains(type)) name = name.ToLowerInvariant();
        if (type == "pypi") name = name.Replace('_', '-');
        if (type == "npm" && normalizedNs is not null && !normalizedNs.StartsWith('@'))
        {
            problem = "an npm namespace is a scope starting with '@'";
            return false;
        }

        var q = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawKey, value) in qualifiers ?? [])
        {
            var key = rawKey.ToLowerInvariant();
            if (!ValidQualifierKey(key))
            {
                problem = $"the qualifier key '{rawKey}' has characters other than letters, digits, '.', '-' and '_' (or starts with a digit)";
                return false;
            }
            if (string.IsNullOrEmpty(value)) continue; // an empty value is the same as no qualifier
            if (!q.TryAdd(key, value))
            {
                problem = $"the qualifier '{key}' is given twice";
                return false;
            }
        }
        string? normalizedSubpath = null;
        if (!string.IsNullOrEmpty(subpath))
        {
            var parts = subpath.Split('/').Where(p => p.Length > 0 && p != "." && p != "..").ToArray();
            normalizedSubpath = parts.Length == 0 ? null : string.Join('/', parts);
        }
        purl = new PackageUrl(type, normalizedNs, name, string.IsNullOrEmpty(version) ? null : version, q, normalizedSubpath);
        problem = "";
        return true;
    }

    /// <summary>Parses a purl (the specification's parsing algorithm); false with the reason when it is not one.</summary>
    public static bool TryParse(string? text, out PackageUrl purl, out string problem)
    {
        purl = null!;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            problem = text is null || text.Length == 0 ? "empty" : $"longer than {MaxLength} characters";
            return false;
        }
        var rest = text;
        string? subpath = null;
        var hash = rest.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            subpath = string.Join('/', rest[(hash + 1)..].Split('/').Where(p => p.Length > 0 && p != "." && p != "..").Select(Decode));
            rest = rest[..hash];
        }
        var qualifiers = new List<KeyValuePair<string, string>>();
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        if (question >= 0)
        {
            foreach (var pair in rest[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    problem = $"the qualifier '{pair}' is not key=value";
                    return false;
                }
                qualifiers.Add(KeyValuePair.Create(pair[..eq], Decode(pair[(eq + 1)..])));
            }
            rest = rest[..question];
        }
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !string.Equals(rest[..colon], "pkg", StringComparison.OrdinalIgnoreCase))
        {
            problem = "the scheme 'pkg:' is missing";
            return false;
        }
        rest = rest[(colon + 1)..].TrimStart('/');
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            problem = "the type is missing";
            return false;
        }
        var type = rest[..slash];
        rest = rest[(slash + 1)..];
        string? version = null;
        // The version follows the last '@' of the name segment (an npm scope's '@' written unencoded is not one).
        var at = rest.LastIndexOf('@');
        if (at >= 0 && at > rest.TrimEnd('/').LastIndexOf('/'))
        {
            version = Decode(rest[(at + 1)..]);
            rest = rest[..at];
        }
        rest = rest.TrimEnd('/');
        var last = rest.LastIndexOf('/');
        var name = Decode(last >= 0 ? rest[(last + 1)..] : rest);
        string? ns = last >= 0
            ? string.Join('/', rest[..last].Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Decode))
            : null;
        if (ns is not null && ns.Split('/').Any(s => s.Contains('/', StringComparison.Ordinal)))
        {
            problem = "a namespace segment contains '/'";
            return false;
        }
        return TryCreate(type, ns, name, version, qualifiers, subpath, out purl, out problem);
    }

    /// <summary>Parses a purl; throws <see cref="FormatException"/> when it is not one.</summary>
    public static PackageUrl Parse(string text) =>
        TryParse(text, out var purl, out var problem) ? purl : throw new FormatException($"not a package URL: {problem}");

    /// <summary>The canonical form: parts percent-encoded, qualifiers sorted, normalised as the type requires.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("pkg:").Append(Type).Append('/');
        if (Namespace is not null)
        {
            sb.AppendJoin('/', Namespace.Split('/').Select(Encode));
            sb.Append('/');
        }
        sb.Append(Encode(Name));
        if (Version is not null) sb.Append('@').Append(Encode(Version));
        if (Qualifiers.Count > 0)
        {
            sb.Append('?');
            sb.AppendJoin('&', Qualifiers.Select(q => q.Key + "=" + Encode(q.Value)));
        }
        if (Subpath is not null)
        {
            sb.Append('#');
            sb.AppendJoin('/', Subpath.Split('/').Select(Encode));
        }
        return sb.ToString();
    }

    /// <summary>Equality is on the canonical form.</summary>
    public bool Equals(PackageUrl? other) => other is not null && string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PackageUrl);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    private static bool ValidType(string type) =>
        !char.IsAsciiDigit(type[0]) && type.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-');

    private static bool ValidQualifierKey(string key) =>
        key.Length > 0 && !char.IsAsciiDigit(key[0]) && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    /// <summary>Percent-encodes all but the unreserved characters and ':' (the specification's canonical form).</summary>
    private static string Encode(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '~' or ':')) sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Percent-decodes (UTF-8); a malformed escape is kept as written.</summary>
    private static string Decode(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal)) return value;
        var bytes = new List<byte>(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length
                && byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
            {
                bytes.Add(b);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
