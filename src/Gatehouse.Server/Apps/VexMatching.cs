using System.Text.RegularExpressions;
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
/// A <c>vuln.*</c> finding carries the advisory ID as its evidence and the package's canonical purl in its message; its
/// fingerprint is <c>Fingerprints.Of(rule, path, purl, advisory)</c>. So the statement's purl is accepted when it makes the
/// finding's fingerprint exactly, or when it names the same package as the purl in the message (type, namespace, name
/// and, when the statement gives one, version; qualifiers such as <c>arch</c> or <c>distro</c> are ignored, as a VEX rarely
/// carries them).
/// </remarks>
internal static partial class VexMatching
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
            var products = statement.Products.Select(ParsePurl).OfType<PackageUrl>().ToList();
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

    /// <summary>The canonical purl in a <c>vuln.*</c> finding's message, when it has one.</summary>
    public static PackageUrl? PurlIn(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (Match m in PurlToken().Matches(message))
            if (PackageUrl.TryParse(m.Value.TrimEnd(',', ';', ':', ')', '.'), out var purl, out _)) return purl;
        return null;
    }

    private static PackageUrl? ParsePurl(string text) => PackageUrl.TryParse(text, out var purl, out _) ? purl : null;

    [GeneratedRegex(@"pkg:[^\s]+", RegexOptions.CultureInvariant)]
    private static partial Regex PurlToken();

    /// <summary>A finding with the IDs that name its advisory and the purl of its package.</summary>
    private sealed record Target(ScanFinding Finding, string Advisory, IReadOnlyCollection<string> Names, PackageUrl? Purl)
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
            return new Target(f, advisory, names, PurlIn(f.Message));
        }

        public bool IsPackage(PackageUrl candidate)
        {
            if (Advisory.Length > 0 && Fingerprints.Of(Finding.RuleId, Finding.Path, candidate.ToString(), Advisory) == Finding.Fingerprint) return true;
            return Purl is { } own
                && string.Equals(own.Type, candidate.Type, StringComparison.OrdinalIgnoreCase)
                && string.Equals(own.Namespace ?? "", candidate.Namespace ?? "", StringComparison.Ordinal)
                && string.Equals(own.Name, candidate.Name, StringComparison.Ordinal)
                && (candidate.Version is null || string.Equals(own.Version, candidate.Version, StringComparison.Ordinal));
        }
    }
}
