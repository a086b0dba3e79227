using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Vulnerabilities.Osv;

/// <summary>
/// Decides whether a package version is affected by an OSV advisory, following the schema's "Evaluation" pseudocode
/// (https://ossf.github.io/osv-schema/#evaluation): affected when the version is in the <c>versions</c> list or inside
/// any range; within a range the events are sorted by the version order, <c>introduced</c> (inclusive; <c>0</c> = from the
/// start) opens, <c>fixed</c> (exclusive) and <c>last_affected</c> (inclusive) close, several open/close pairs may follow
/// each other, and a version at or above every <c>limit</c> (<c>*</c> = none) is outside the range.
/// <para>
/// Fail safe: a version or event the scheme cannot parse, an event with not exactly one field, an unknown range type
/// or an oversized range give <see cref="OsvAffectedness.Unknown"/>, never <see cref="OsvAffectedness.NotAffected"/>.
/// <c>SEMVER</c> ranges are ordered by <see cref="SemVer2VersionScheme"/> whatever scheme the caller passes (the schema
/// mandates SemVer 2.0.0 there); <c>ECOSYSTEM</c> ranges by the caller's scheme. <c>GIT</c> ranges name commits and Gatehouse
/// matches by version, so they are Unknown, except that they are skipped when the entry also has a <c>versions</c> list
/// (osv.dev expands git ranges into that list). Pure, thread-safe, never throws.
/// </para>
/// </summary>
public static class OsvRangeEvaluator
{
    /// <summary>A range with more events than this is not evaluated (Unknown): bounded work on hostile records.</summary>
    public const int MaxEventsPerRange = 4096;

    /// <summary>
    /// Whether <paramref name="version"/> of the package of <paramref name="affected"/> is affected. The caller has
    /// already matched the package (ecosystem and name); <paramref name="scheme"/> orders that ecosystem's versions.
    /// </summary>
    public static OsvAffectedness Affects(OsvAffected affected, string version, IVersionScheme scheme)
    {
        if (affected is null || string.IsNullOrEmpty(version)) return OsvAffectedness.Unknown;
        var versions = affected.Versions ?? [];
        foreach (var listed in versions)
        {
            if (listed is null) continue;
            // The schema compares with ==; the scheme's equality also catches spellings the ecosystem treats as one
            // version (PEP 440 "1.0" == "1.0.0"), which can only add matches.
            if (string.Equals(listed, version, StringComparison.Ordinal) || (scheme is not null && scheme.Compare(listed, version) == 0))
                return OsvAffectedness.Affected;
        }
        var unknown = false;
        foreach (var range in affected.Ranges ?? [])
        {
            if (range is null) { unknown = true; continue; }
            if (string.Equals(range.Type, "GIT", StringComparison.Ordinal))
            {
                if (versions.Count == 0) unknown = true;
                continue;
            }
            IVersionScheme? rangeScheme = range.Type switch
            {
                "SEMVER" => SemVer2VersionScheme.Instance,
                "ECOSYSTEM" => scheme,
                _ => null,
            };
            switch (rangeScheme is null ? OsvAffectedness.Unknown : InRange(range, version, rangeScheme))
            {
                case OsvAffectedness.Affected: return OsvAffectedness.Affected;
                case OsvAffectedness.Unknown: unknown = true; break;
            }
        }
        return unknown ? OsvAffectedness.Unknown : OsvAffectedness.NotAffected;
    }

    /// <summary>
    /// Whether <paramref name="version"/> of package <paramref name="name"/> in <paramref name="ecosystem"/> is affected by
    /// <paramref name="record"/>: a withdrawn record never matches; entries for other packages are ignored (names and
    /// ecosystems compare exactly; normalising names, e.g. PyPI's, is the caller's job); Affected wins over Unknown over
    /// NotAffected across the record's entries.
    /// </summary>
    public static OsvAffectedness Evaluate(OsvRecord record, string ecosystem, string name, string version, IVersionScheme scheme)
    {
        if (record is null || record.Withdrawn is not null) return OsvAffectedness.NotAffected;
        var result = OsvAffectedness.NotAffected;
        foreach (var affected in record.Affected ?? [])
        {
            if (affected?.Package is not { } p
                || !string.Equals(p.Ecosystem, ecosystem, StringComparison.Ordinal)
                || !string.Equals(p.Name, name, StringComparison.Ordinal))
                continue;
            var one = Affects(affected, version, scheme);
            if (one == OsvAffectedness.Affected) return one;
            if (one == OsvAffectedness.Unknown) result = one;
        }
        return result;
    }

    private enum Kind { Introduced, Fixed, LastAffected, Limit }

    private readonly record struct Event(Kind Kind, string Version, int Index);

    private static OsvAffectedness InRange(OsvRange range, string version, IVersionScheme scheme)
    {
        var raw = range.Events;
        if (raw is null || raw.Count == 0 || raw.Count > MaxEventsPerRange) return OsvAffectedness.Unknown;
        if (!scheme.IsValid(version)) return OsvAffectedness.Unknown;
        var events = new List<Event>(raw.Count);
        for (var i = 0; i < raw.Count; i++)
        {
            var e = raw[i];
            if (e is null) return OsvAffectedness.Unknown;
            var set = (e.Introduced is null ? 0 : 1) + (e.Fixed is null ? 0 : 1) + (e.LastAffected is null ? 0 : 1) + (e.Limit is null ? 0 : 1);
            if (set != 1) return OsvAffectedness.Unknown;
            var ev = e.Introduced is not null ? new Event(Kind.Introduced, e.Introduced, i)
                : e.Fixed is not null ? new Event(Kind.Fixed, e.Fixed, i)
                : e.LastAffected is not null ? new Event(Kind.LastAffected, e.LastAffected, i)
                : new Event(Kind.Limit, e.Limit!, i);
            var special = (ev.Kind == Kind.Introduced && ev.Version == "0") || (ev.Kind == Kind.Limit && ev.Version == "*");
            if (!special && !scheme.IsValid(ev.Version)) return OsvAffectedness.Unknown;
            events.Add(ev);
        }

        // BeforeLimits: with limit events, the version must be below at least one of them.
        var limits = events.Where(e => e.Kind == Kind.Limit).ToList();
        if (limits.Count > 0 && !limits.Any(l => l.Version == "*" || scheme.Compare(version, l.Version) < 0))
            return OsvAffectedness.NotAffected;

        // Sort by version ("0" first, "*" last); equal versions keep their listed order, so the sort is deterministic.
        events.Sort((a, b) =>
        {
            var c = Rank(a).CompareTo(Rank(b));
            if (c == 0 && Rank(a) == 1) c = scheme.Compare(a.Version, b.Version) ?? 0;
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });

        var vulnerable = false;
        foreach (var e in events)
        {
            switch (e.Kind)
            {
                case Kind.Introduced when e.Version == "0" || scheme.Compare(version, e.Version) >= 0:
                    vulnerable = true;
                    break;
                case Kind.Fixed when scheme.Compare(version, e.Version) >= 0:
                    vulnerable = false;
                    break;
                case Kind.LastAffected when scheme.Compare(version, e.Version) > 0:
                    vulnerable = false;
                    break;
            }
        }
        return vulnerable ? OsvAffectedness.Affected : OsvAffectedness.NotAffected;
    }

    // 0: introduced "0" (before everything), 1: an ordinary version, 2: limit "*" (after everything).
    private static int Rank(Event e) =>
        e.Kind == Kind.Introduced && e.Version == "0" ? 0 : e.Kind == Kind.Limit && e.Version == "*" ? 2 : 1;
}
