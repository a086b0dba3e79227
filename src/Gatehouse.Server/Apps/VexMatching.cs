using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Analysis.Vulnerabilities.Vex;
using Gatehouse.Server.Scanning;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Which <c>vuln.*</c> findings a VEX document answers (issue 16, item 5), without a database: a <c>not_affected</c>
/// statement answers a finding when it names the finding's advisory (its ID, or one of the advisory's aliases, e.g. the
/// CVE of a GHSA) and the finding's package (by purl). Everything else is reported back with the reason, never stored.
/// </summary>
/// <remarks>
/// A <c>vuln.*</c> finding carries the advisory ID as its evidence, and its message starts with the package as its
/// ecosystem writes it (<c>lodash@4.17.20 is affected by GHSA-… (CVE-…)</c>); its fingerprint is
/// <c>Fingerprints.Of(rule, path, purl, advisory)</c> (<c>VulnerabilityFindings.From</c>). So the statement's purl is accepted
/// when it makes the finding's fingerprint exactly, or when it names the package of the message: the purl's type fits the
/// rule's ecosystem, its name (with its namespace, as the ecosystem writes it: <c>@babel/core</c>, <c>org.slf4j:slf4j-api</c>,
/// <c>github.com/gin-gonic/gin</c>) is the package's, and its version, when it gives one, is the package's. Qualifiers such as
/// <c>arch</c> or <c>distro</c> are ignored: a VEX rarely carries them.
/// </remarks>
internal static class VexMatching
{
    /// <summary>A statement that answers a finding.</summary>
    internal sealed record Answer(VexStatement Statement, ScanFinding Finding);

    /// <summary>A statement that answers nothing, and why.</summary>
    internal sealed record NotApplied(VexStatement Statement, string Reason);

    /// <summary>The outcome: each finding answered at most once (by the first statement that answers it), and the rest.</summary>
    internal sealed record Result(IReadOnlyList<Answer> Answers, IReadOnlyList<NotApplied> NotApplied);

    public const string OnlyNotAffected = "only not_affected statements become suppression requests";
    public const string NoSuchAdvisory = "names no vulnerability finding of this version";
    public const string NoSuchPackage = "names the vulnerability, but not the package (purl) of any of its findings in this version";
    public const string AlreadyAnswered = "answers only findings another statement of this document answered already";

    /// <param name="findings">The version's <c>vuln.*</c> findings, one per fingerprint.</param>
    /// <param name="aliases">The other IDs of an advisory (CVE, GHSA, ...); empty when unknown.</param>
    public static Result Match(IReadOnlyList<VexStatement> statements, IReadOnlyList<ScanFinding> findings, Func<string, IReadOnlyCollection<string>> aliases)
    {
        ArgumentNullException.ThrowIfNull(statements);
        ArgumentNullException.ThrowIfNull(findings);
        ArgumentNullException.ThrowIfNull(aliases);
        var targets = findings.Select(f => Target.Of(f, aliases)).ToList();
        var answered = new HashSet<string>(StringComparer.Ordinal);
        var answers = new List<Answer>();
        var notApplied = new List<NotApplied>();
        foreach (var statement in statements)
        {
            if (statement.Status != VexStatus.NotAffected)
            {
                notApplied.Add(new NotApplied(statement, OnlyNotAffected));
                continue;
            }
            var named = targets.Where(t => t.Names.Any(statement.Names)).ToList();
            if (named.Count == 0)
            {
                notApplied.Add(new NotApplied(statement, NoSuchAdvisory));
                continue;
            }
            var products = statement.Products.Concat(statement.Subcomponents).Select(ParsePurl).OfType<PackageUrl>().ToList();
            var hits = named.Where(t => products.Any(t.IsPackage)).ToList();
            if (hits.Count == 0)
            {
                notApplied.Add(new NotApplied(statement, NoSuchPackage));
                continue;
            }
            var fresh = hits.Where(t => answered.Add(t.Finding.Fingerprint)).ToList();
            if (fresh.Count == 0)
            {
                notApplied.Add(new NotApplied(statement, AlreadyAnswered));
                continue;
            }
            answers.AddRange(fresh.Select(t => new Answer(statement, t.Finding)));
        }
        return new Result(answers, notApplied);
    }

    /// <summary>The package a <c>vuln.*</c> finding's message starts with (<c>name@version</c>), when it has one.</summary>
    public static (string Name, string Version)? PackageIn(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var end = message.IndexOf(" is affected by ", StringComparison.Ordinal);
        if (end < 0) end = message.IndexOf(" may be affected by ", StringComparison.Ordinal);
        if (end <= 0) return null;
        var head = message[..end];
        var source = head.IndexOf(" (source ", StringComparison.Ordinal);
        if (source > 0) head = head[..source];
        var at = head.LastIndexOf('@');
        return at <= 0 || at == head.Length - 1 || head.Contains(' ', StringComparison.Ordinal) ? null : (head[..at], head[(at + 1)..]);
    }

    /// <summary>The purl types whose packages a rule reports (<c>vuln.npm</c> → <c>npm</c>); null: any type.</summary>
    private static string[]? TypesOf(string rule) => rule switch
    {
        "vuln.npm" => ["npm"],
        "vuln.pypi" => ["pypi"],
        "vuln.maven" => ["maven"],
        "vuln.nuget" => ["nuget"],
        "vuln.go" => ["golang"],
        "vuln.crates.io" => ["cargo"],
        "vuln.rubygems" => ["gem"],
        "vuln.packagist" => ["composer"],
        "vuln.debian" or "vuln.ubuntu" => ["deb"],
        "vuln.alpine" => ["apk"],
        "vuln.red-hat" or "vuln.rocky-linux" or "vuln.almalinux" or "vuln.suse" or "vuln.opensuse" => ["rpm"],
        _ => null,
    };

    /// <summary>The names an ecosystem may write for <paramref name="purl"/>'s package: bare, and joined to its namespace by <c>/</c> or <c>:</c>.</summary>
    private static IEnumerable<string> NamesOf(PackageUrl purl)
    {
        yield return purl.Name;
        if (purl.Namespace is { Length: > 0 } ns)
        {
            yield return ns + "/" + purl.Name;
            yield return ns + ":" + purl.Name;
        }
    }

    private static PackageUrl? ParsePurl(string text) => PackageUrl.TryParse(text, out var purl, out _) ? purl : null;

    /// <summary>A finding with the IDs that name its advisory and the purl of its package.</summary>
    private sealed record Target(ScanFinding Finding, string Advisory, IReadOnlyCollection<string> Names, (string Name, string Version)? Package)
    {
        public static Target Of(ScanFinding f, Func<string, IReadOnlyCollection<string>> aliases)
        {
            var advisory = (f.Evidence ?? "").Trim();
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (advisory.Length > 0)
            {
                names.Add(advisory);
                names.UnionWith(aliases(advisory));
            }
            return new Target(f, advisory, names, PackageIn(f.Message));
        }

        public bool IsPackage(PackageUrl candidate)
        {
            if (Advisory.Length > 0 && Fingerprints.Of(Finding.RuleId, Finding.Path, candidate.ToString(), Advisory) == Finding.Fingerprint) return true;
            if (Package is not { } own) return false;
            if (TypesOf(Finding.RuleId) is { } types && !types.Contains(candidate.Type, StringComparer.OrdinalIgnoreCase)) return false;
            return NamesOf(candidate).Any(n => string.Equals(n, own.Name, StringComparison.OrdinalIgnoreCase))
                && (candidate.Version is null || string.Equals(candidate.Version, own.Version, StringComparison.Ordinal));
        }
    }
}
