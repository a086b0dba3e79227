using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Vulnerabilities.Matching;

/// <summary>
/// Remembers a scheme's answers for the length of one match call: a package's version is checked and compared against
/// every candidate advisory's events, and the schemes parse both strings on every call. Not thread-safe (one per call);
/// bounded, so hostile records cannot grow it without limit.
/// </summary>
internal sealed class MemoizingVersionScheme(IVersionScheme inner) : IVersionScheme
{
    private const int MaxEntries = 100_000;

    private readonly Dictionary<string, bool> _valid = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), int?> _compared = [];

    public string Ecosystem => inner.Ecosystem;

    public bool IsValid(string version)
    {
        if (_valid.TryGetValue(version, out var known)) return known;
        var valid = inner.IsValid(version);
        if (_valid.Count < MaxEntries) _valid[version] = valid;
        return valid;
    }

    public int? Compare(string a, string b)
    {
        if (_compared.TryGetValue((a, b), out var known)) return known;
        // An invalid side makes the answer null without parsing the other.
        var result = IsValid(a) && IsValid(b) ? inner.Compare(a, b) : null;
        if (_compared.Count < MaxEntries) _compared[(a, b)] = result;
        return result;
    }
}
