using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Vulnerabilities.Matching;

/// <summary>
/// Remembers which versions a scheme accepts for the length of one match call: a package's version is checked against
/// every candidate advisory, and the schemes parse the string on every call. Not thread-safe (one per call); bounded, so
/// hostile records cannot grow it without limit.
/// </summary>
internal sealed class MemoizingVersionScheme(IVersionScheme inner) : IVersionScheme
{
    private const int MaxEntries = 100_000;

    private readonly Dictionary<string, bool> _valid = new(StringComparer.Ordinal);

    public string Ecosystem => inner.Ecosystem;

    public bool IsValid(string version)
    {
        if (_valid.TryGetValue(version, out var known)) return known;
        var valid = inner.IsValid(version);
        if (_valid.Count < MaxEntries) _valid[version] = valid;
        return valid;
    }

    // Comparisons are not remembered: a package version meets each advisory's own event versions, so pairs rarely repeat.
    public int? Compare(string a, string b) => inner.Compare(a, b);
}
