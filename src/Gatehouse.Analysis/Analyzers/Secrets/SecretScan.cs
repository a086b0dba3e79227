using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Analyzers.Secrets;

/// <summary>
/// One file's scan: decodes the stream into overlapping windows and runs the rules on each.
/// Each match position belongs to exactly one window (the one whose report limit it falls
/// before), and every window holds at least <see cref="Overlap"/> characters after its limit,
/// so secrets up to that long are never cut in two.
/// </summary>
internal sealed class SecretScan
{
    internal const int WindowChars = 1 << 20;
    internal const int Overlap = 16 << 10;
    internal const int SniffBytes = 8 << 10;
    private const int ReadBytes = 64 << 10;
    private const int LineContext = 2048;
    // Regions searched around a keyword: matches start at most this far before it (e.g. the query
    // string of a SAS URL before sig=) ...
    private const int KeywordBefore = 1024;
    // ... and a match reaching further than this after it is searched again in the whole window.
    private const int KeywordAfter = 1024;
    private const int MaxKeywordHits = 4096;

    private readonly SecretRuleSet _rules;
    private readonly string _path;
    private readonly bool _lockfile;
    private readonly FileContext _file;
    private readonly Action<Finding> _report;
    private readonly HashSet<(string Rule, string Hash)> _reported = [];
    // Per window: where each keyword occurs (at most MaxKeywordHits + 1 positions kept).
    private readonly Dictionary<string, List<int>> _keywordHits = new(StringComparer.Ordinal);
    // The same, by index into the active KeywordSet's words, filled by FindKeywords.
    private List<int>?[] _hitsByIndex = [];
    private readonly Action<int, int> _onKeyword;

    // Spans (window-relative) already claimed by a rule, sorted and disjoint: a later, less
    // specific rule does not report the same characters again.
    private List<(int Start, int End)> _claimed = [];
    private List<int>? _newlines;
    private int _findings;
    private bool _binary;
    private int _dataUriRunStart = -1, _dataUriRunEnd = -1;
    private bool _dataUriRunIsImage;

    public SecretScan(SecretRuleSet rules, string path, string name, Action<Finding> report)
    {
        _rules = rules;
        _path = path;
        _lockfile = rules.Lockfiles.Contains(name);
        _file = rules.Context.ForFile(path, name);
        _report = report;
        _onKeyword = OnKeyword;
    }

    /// <param name="lengthHint">The file's length in bytes (<see cref="ScanFile.Length"/>); only sizes buffers.</param>
    public async Task RunAsync(Stream stream, long lengthHint, CancellationToken ct)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(ReadBytes);
        char[]? window = null;
        try
        {
            var byteCount = await ReadHeadAsync(stream, bytes, ct).ConfigureAwait(false);
            var (encoding, skip) = Sniff(bytes.AsSpan(0, byteCount));
            // A NUL in the first 8 KiB means binary: only rules marked scanBinary (PEM private keys)
            // run, on a byte-for-byte Latin-1 view.
            _binary = encoding is null;
            if (_binary && stream.CanSeek)
            {
                // Those rules need one of their keywords in the window, so a binary file without any
                // (nearly all of them) has nothing to find: one fast pass instead of decoded windows.
                if (!await AnyKeywordAsync(stream, bytes, byteCount, _rules.BinaryKeywords, ct).ConfigureAwait(false)) return;
                stream.Position = 0;
                byteCount = await ReadHeadAsync(stream, bytes, ct).ConfigureAwait(false);
            }

            var decoder = (encoding ?? Encoding.Latin1).GetDecoder();
            var bytePos = skip;
            var eof = byteCount == 0;

            // Most files are small: size the window to the file (a decoded file has at most as many
            // chars as bytes), and grow it only if the file is longer than it said.
            window = ArrayPool<char>.Shared.Rent((int)Math.Clamp(lengthHint + 2, 4096, WindowChars));
            var length = 0;
            var firstLine = 1;
            while (true)
            {
                // Fill the window; keep 2 spare chars so a surrogate pair always fits.
                while (!eof && (window.Length - length >= 2 || window.Length < WindowChars))
                {
                    if (window.Length - length < 2)
                    {
                        var larger = ArrayPool<char>.Shared.Rent(WindowChars);
                        window.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<char>.Shared.Return(window);
                        window = larger;
                    }

                    if (bytePos == byteCount)
                    {
                        byteCount = await stream.ReadAsync(bytes.AsMemory(0, ReadBytes), ct).ConfigureAwait(false);
                        bytePos = 0;
                        if (byteCount == 0)
                        {
                            eof = true;
                            decoder.Convert([], window.AsSpan(length), true, out _, out var flushed, out _);
                            length += flushed;
                            break;
                        }
                    }

                    decoder.Convert(bytes.AsSpan(bytePos, byteCount - bytePos), window.AsSpan(length), false, out var used, out var chars, out _);
                    bytePos += used;
                    length += chars;
                }

                if (eof && length == 0) return;
                ct.ThrowIfCancellationRequested();
                var cut = eof ? length : ChooseCut(window, length);
                if (!ScanWindow(window, length, cut, firstLine, ct) || eof) return;

                firstLine += window.AsSpan(0, cut).Count('\n');
                Array.Copy(window, cut, window, 0, length - cut);
                length -= cut;
                _claimed = _claimed.Where(s => s.End > cut).Select(s => (s.Start - cut, s.End - cut)).ToList();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            if (window is not null) ArrayPool<char>.Shared.Return(window);
        }
    }

    /// <summary>Reads up to <see cref="SniffBytes"/> from the stream's current position into <paramref name="bytes"/>.</summary>
    private static async Task<int> ReadHeadAsync(Stream stream, byte[] bytes, CancellationToken ct)
    {
        var byteCount = 0;
        while (byteCount < SniffBytes)
        {
            var n = await stream.ReadAsync(bytes.AsMemory(byteCount, SniffBytes - byteCount), ct).ConfigureAwait(false);
            if (n == 0) break;
            byteCount += n;
        }

        return byteCount;
    }

    /// <summary>
    /// Whether any keyword occurs in the file's Latin-1 view (one char per byte, as the binary windows
    /// see it): the first <paramref name="headCount"/> bytes already in <paramref name="bytes"/>, then
    /// the rest of the stream. Chunks overlap by the longest keyword, so none is missed at a seam.
    /// </summary>
    private static async Task<bool> AnyKeywordAsync(Stream stream, byte[] bytes, int headCount, KeywordSet keywords, CancellationToken ct)
    {
        var carry = Math.Max(0, keywords.MaxLength - 1);
        var chars = ArrayPool<char>.Shared.Rent(ReadBytes + carry);
        try
        {
            var kept = 0;
            var count = headCount;
            while (count > 0)
            {
                var n = kept + Encoding.Latin1.GetChars(bytes.AsSpan(0, count), chars.AsSpan(kept));
                if (chars.AsSpan(0, n).IndexOfAny(keywords.Search) >= 0) return true;
                kept = Math.Min(carry, n);
                chars.AsSpan(n - kept, kept).CopyTo(chars);
                count = await stream.ReadAsync(bytes.AsMemory(0, ReadBytes), ct).ConfigureAwait(false);
            }

            return false;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static (Encoding? Encoding, int Skip) Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return (Encoding.UTF8, 3);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return (Encoding.Unicode, 2);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return (Encoding.BigEndianUnicode, 2);
        return head.Contains((byte)0) ? (null, 0) : (Encoding.UTF8, 0);
    }

    /// <summary>
    /// Where the next window starts: between <c>length - 2·Overlap</c> and <c>length - Overlap</c>,
    /// after a newline if there is one (so <c>^</c> and line numbers stay true), else after a
    /// character that cannot be inside a token.
    /// </summary>
    private static int ChooseCut(char[] window, int length)
    {
        var low = length - 2 * Overlap;
        var region = window.AsSpan(low, Overlap);
        var newline = region.LastIndexOf('\n');
        if (newline >= 0) return low + newline + 1;
        for (var i = region.Length - 1; i >= 0; i--)
        {
            var c = region[i];
            if (char.IsWhiteSpace(c) || c is '"' or '\'' or '`' or ',' or ';' or '<' or '>' or '(' or ')') return low + i + 1;
        }

        return length - Overlap;
    }

    /// <summary>Runs every applicable rule on one window; false once the per-file limit is reached.</summary>
    private bool ScanWindow(char[] window, int length, int limit, int firstLine, CancellationToken ct)
    {
        _newlines = null;
        _dataUriRunStart = _dataUriRunEnd = -1;
        FindKeywords(window.AsSpan(0, length));
        // The regexes search the window in place; the groups and allow-lists need a string, made
        // only once a rule matches (most windows have no match, and a window is up to 2 MB).
        string? text = null;

        foreach (var rule in _rules.Rules)
        {
            if (_binary && !rule.ScanBinary) continue;
            if (_lockfile && rule.Generic) continue;
            if (!rule.Keywords.Any(_keywordHits.ContainsKey)) continue;
            if (!rule.RequiresAll.All(_keywordHits.ContainsKey)) continue;
            ct.ThrowIfCancellationRequested();

            var accepted = new List<(int Start, int End)>();
            var resume = 0;
            foreach (var (from, to) in RegionsToSearch(rule, length))
            {
                if (!Search(Math.Max(from, resume), to, Math.Min(limit, to))) return false;
            }

            if (accepted.Count > 0) _claimed = Merge(_claimed, accepted);

            // Runs the rule on text[from..to) (anchors still see the text before from) and handles
            // matches starting before stopAt; false once the per-file limit is reached.
            bool Search(int from, int to, int stopAt)
            {
                if (from >= stopAt) return true;
                foreach (var found in rule.Pattern.EnumerateMatches(window.AsSpan(0, to), from))
                {
                    if (found.Index >= stopAt) break;
                    // A match that reaches the end of a region may have been cut short: search again
                    // from its start with the whole window.
                    if (to < length && found.Index + found.Length >= to) return Search(found.Index, length, stopAt);
                    resume = found.Index + found.Length;
                    if (!Handle(found.Index, found.Length)) return false;
                }

                return true;
            }

            bool Handle(int index, int matchLength)
            {
                text ??= new string(window, 0, length);
                var m = Extract(rule, text, index, matchLength);
                if (m is null) return true;
                var group = rule.SecretGroup >= 0 && m.Groups[rule.SecretGroup].Success ? m.Groups[rule.SecretGroup] : m;
                var span = (group.Index, group.Index + group.Length);
                if (group.Length == 0 || Overlaps(span)) return true;
                var secret = SecretText.Normalize(group.Value);
                if (secret.Length == 0) return true;
                var strength = Accept(rule, m, secret, text, group.Index, out var local);
                if (strength == Strength.Rejected) return true;
                accepted.Add(span);
                // A value in a token's format that fails its check is a look-alike: not reported, and
                // not reported again by a generic rule (TOKEN=ghp_… with a typo).
                if (strength == Strength.Counterfeit) return true;
                if (!_reported.Add((rule.Id, SecretText.Sha256Hex(secret)))) return true;
                var (severity, note) = Weigh(rule, strength, local, text, group.Index);
                // A generic match that context explains (an identifier in a bundle, a value in the docs) is not reported.
                if (severity is null) return true;
                Report(rule, secret, firstLine + NewlinesBefore(text, group.Index), severity.Value, note);
                return _findings < SecretsAnalyzer.MaxFindingsPerFile;
            }
        }

        return true;
    }

    /// <summary>
    /// The parts of the window worth searching: around each keyword occurrence (from
    /// <see cref="KeywordBefore"/> characters before it to <see cref="KeywordAfter"/> after), merged.
    /// The whole window when the rule's keyword need not be inside its match, when keywords are
    /// dense, or when the regions would cover most of it anyway. Typical text has few keyword
    /// occurrences, so most rules search a few kilobytes instead of a megabyte.
    /// </summary>
    private List<(int From, int To)> RegionsToSearch(SecretRule rule, int length)
    {
        List<(int From, int To)> whole = [(0, length)];
        if (!rule.KeywordInMatch) return whole;
        var hits = new List<int>();
        foreach (var keyword in rule.Keywords)
        {
            if (!_keywordHits.TryGetValue(keyword, out var at)) continue;
            if (at.Count > MaxKeywordHits) return whole;
            hits.AddRange(at);
        }

        hits.Sort();
        var regions = new List<(int From, int To)>();
        var covered = 0;
        foreach (var hit in hits)
        {
            var from = Math.Max(0, hit - KeywordBefore);
            var to = Math.Min(length, hit + KeywordAfter);
            if (regions.Count > 0 && from <= regions[^1].To)
            {
                covered += to - regions[^1].To;
                regions[^1] = (regions[^1].From, to);
            }
            else
            {
                covered += to - from;
                regions.Add((from, to));
            }
        }

        return covered > length / 2 ? whole : regions;
    }

    /// <summary>The groups of one matched span: the backtracking extractor on the span alone, else the non-backtracking engine.</summary>
    private Match? Extract(SecretRule rule, string text, int index, int length)
    {
        Match m;
        try
        {
            m = rule.Extractor.Match(text, index, length);
        }
        catch (RegexMatchTimeoutException)
        {
            // Rethrown without the original: its Input property holds the window, secrets included.
            throw new TimeoutException($"secret rule {rule.Id} exceeded its {SecretRuleSet.ExtractTimeout.TotalSeconds:0} s extraction limit on {_path}");
        }

        if (m.Success && m.Index == index && m.Length == length) return m;
        m = rule.Pattern.Match(text, index, length);
        return m.Success ? m : null;
    }

    /// <summary>
    /// One pass over the window for all keywords at once (<see cref="KeywordSet.FindAll"/>), recording
    /// where each occurs. Keywords are lower-case; the window is compared case-insensitively.
    /// </summary>
    private void FindKeywords(ReadOnlySpan<char> text)
    {
        foreach (var list in _keywordHits.Values) list.Clear();
        _keywordHits.Clear();
        var keywords = _binary ? _rules.BinaryKeywords : _rules.Keywords;
        if (_hitsByIndex.Length != keywords.Words.Length) _hitsByIndex = new List<int>?[keywords.Words.Length];
        keywords.FindAll(text, _onKeyword);
        for (var k = 0; k < _hitsByIndex.Length; k++)
        {
            if (_hitsByIndex[k] is { Count: > 0 } list) _keywordHits[keywords.Words[k]] = list;
        }
    }

    private void OnKeyword(int keyword, int position)
    {
        var list = _hitsByIndex[keyword] ??= [];
        if (list.Count <= MaxKeywordHits) list.Add(position);
    }

    /// <summary>
    /// Whether a match is a secret (<see cref="Strength.Rejected"/> if not), and how sure we are:
    /// <see cref="Strength.Verified"/> when the value proves itself (checksum, a key that parses, an
    /// AWS key ID beside its secret). <paramref name="local"/>: a <c>lowerName</c> entry matched (localhost).
    /// </summary>
    private Strength Accept(SecretRule rule, Match match, string secret, string text, int index, out bool local)
    {
        local = false;
        if (secret.Length < rule.MinLength || secret.Length > rule.MaxLength) return Strength.Rejected;
        foreach (var allow in rule.Allow)
        {
            if (allow.IsMatch(secret)) return Strength.Rejected;
        }

        if (rule.NameGroup >= 0 && match.Groups[rule.NameGroup] is { Success: true } name)
        {
            foreach (var allow in rule.AllowName)
            {
                if (allow.IsMatch(name.ValueSpan)) return Strength.Rejected;
            }

            foreach (var lower in rule.LowerName)
            {
                if (lower.IsMatch(name.ValueSpan)) local = true;
            }
        }

        string? line = null;
        foreach (var g in _rules.GlobalAllow)
        {
            if ((g.Generic && !rule.Generic) || rule.IgnoreGlobalAllow.Contains(g.Id)) continue;
            if (g.Secret is not null && !g.Secret.IsMatch(secret)) continue;
            if (g.Line is not null && !g.Line.IsMatch(line ??= LineAround(text, index))) continue;
            return Strength.Rejected;
        }

        if (rule.MinEntropy > 0 && SecretText.Entropy(secret) < rule.MinEntropy) return Strength.Rejected;
        if (rule.MinClasses > 0 && SecretText.CharClasses(secret) < rule.MinClasses) return Strength.Rejected;
        // defaultConfig2, prevToken2, ReactCurrentOwner$1: names, not secrets.
        if (rule.IdentifierWordLength > 0 && SecretText.LooksLikeIdentifier(secret, rule.IdentifierWordLength)) return Strength.Rejected;
        // In program source an unquoted value is an expression (`secret: ReactSharedInternals`), not a literal.
        if (rule.CodeNeedsString && (_file & FileContext.Code) != 0 && !SecretText.InsideStringLiteral(text, index)) return Strength.Rejected;
        if (InsideBase64DataUri(text, index)) return Strength.Rejected;
        switch (rule.Validate)
        {
            case SecretRule.ValidateJwt:
                return SecretText.IsJwt(secret) ? Strength.Unverified : Strength.Rejected;
            case SecretRule.ValidateGatehouseApiKey:
                // A look-alike whose checksum fails is not a key (a typo, or made up): not reported.
                return GatehouseApiKeyFormat.IsValid(secret) ? Strength.Verified : Strength.Counterfeit;
            case SecretRule.ValidateCrc32Base62:
                return TokenChecksums.Crc32Base62(secret) switch
                {
                    true => Strength.Verified,
                    false => Strength.Counterfeit,
                    null => Strength.Unverified,
                };
            case SecretRule.ValidatePrivateKey:
                return PrivateKeyBlock.IsValid(match.Value) ? Strength.Verified : Strength.Counterfeit;
            case SecretRule.ValidatePyPiMacaroon:
                // The prefix alone is specific enough to report; a token that decodes is proven.
                return TokenChecksums.IsPyPiMacaroon(secret) ? Strength.Verified : Strength.Unverified;
            case SecretRule.ValidateAwsSecret:
                return HasAwsKeyIdNear(text, match.Index, match.Length) ? Strength.Verified : Strength.Unverified;
            default:
                return Strength.Unverified;
        }
    }

    /// <summary>An AWS access key ID (base32 body, not a documented example) in the match or within 512 characters of it.</summary>
    private static bool HasAwsKeyIdNear(string text, int index, int length)
    {
        var from = Math.Max(0, index - 512);
        var to = Math.Min(text.Length, index + length + 512);
        foreach (var m in AwsKeyId.EnumerateMatches(text.AsSpan(from, to - from)))
        {
            if (!text.AsSpan(from + m.Index, m.Length).EndsWith("EXAMPLE", StringComparison.Ordinal)) return true;
        }

        return false;
    }

    // AWS access key IDs: a four-letter prefix and 16 characters of base32 (A-Z, 2-7).
    private static readonly Regex AwsKeyId = new(@"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    /// <summary>
    /// The severity to report, or null to drop: a verified secret, or one in a distinctive format,
    /// keeps its rule's severity anywhere; an unverified one in context (a local host, a source map, a minified line, documentation, an
    /// example field, a comment) goes down to low, and a generic one there is dropped.
    /// </summary>
    private (Severity? Severity, string? Note) Weigh(SecretRule rule, Strength strength, bool local, string text, int index)
    {
        var severity = rule.Descriptor.DefaultSeverity;
        if (strength == Strength.Verified) return (severity, "verified: " + VerifiedBy(rule));
        // A distinctive provider format is strong evidence in a README or a bundle as much as in a config file.
        if (rule.Distinctive) return (severity, null);
        var reason = local ? "the host is local" : ContextOf(text, index);
        if (reason is null) return (severity, null);
        if (rule.Generic) return (null, null);
        var lowered = severity > Severity.Low ? Severity.Low : severity;
        return (lowered, $"unverified, {reason}: lowered to {lowered.ToString().ToLowerInvariant()}");
    }

    private static string VerifiedBy(SecretRule rule) => rule.Validate switch
    {
        SecretRule.ValidatePrivateKey => "the key parses",
        SecretRule.ValidatePyPiMacaroon => "the token decodes",
        SecretRule.ValidateAwsSecret => "an access key ID stands beside it",
        _ => "checksum valid",
    };

    /// <summary>Why the match is likely not a live secret, or null: see <see cref="SecretContext"/>.</summary>
    private string? ContextOf(string text, int index)
    {
        var context = _rules.Context;
        if ((_file & FileContext.SourceMap) != 0) return "in a source map";
        if ((_file & FileContext.Minified) != 0) return "in a minified file";
        var lineStart = text.LastIndexOf('\n', Math.Max(0, index - 1), Math.Min(index, context.LongLine)) + 1;
        var lineLong = lineStart == 0 && index >= context.LongLine;
        if (!lineLong)
        {
            var end = text.IndexOf('\n', index, Math.Min(text.Length - index, context.LongLine));
            lineLong = end < 0 && text.Length - index >= context.LongLine || end >= 0 && end - lineStart >= context.LongLine;
        }

        if (lineLong) return "on a minified line";
        if ((_file & FileContext.Documentation) != 0) return "in documentation";
        var prefix = text.AsSpan(lineStart, index - lineStart);
        if (context.ExampleLine?.IsMatch(prefix) == true) return "an example value";
        if (context.CommentLine?.IsMatch(prefix) == true) return "in a comment";
        return null;
    }

    private void Report(SecretRule rule, string secret, int line, Severity severity, string? note)
    {
        _findings++;
        var message = $"{rule.Descriptor.Title} in {_path} line {line}";
        if (note is not null) message += $" ({note})";
        if (_findings == SecretsAnalyzer.MaxFindingsPerFile)
        {
            message += $" (limit of {SecretsAnalyzer.MaxFindingsPerFile} secret findings per file reached; the rest of the file was not searched)";
        }

        _report(new Finding(rule.Id, severity, _path, message,
            Fingerprints.Of(rule.Id, _path, SecretText.Sha256Hex(secret)))
        {
            RequirementId = rule.Descriptor.RequirementId,
            Evidence = SecretText.Redact(secret),
            Line = line,
        });
    }

    private bool Overlaps((int Start, int End) span)
    {
        // _claimed is sorted and disjoint: find the last span starting before span.End.
        int lo = 0, hi = _claimed.Count - 1, last = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_claimed[mid].Start < span.End)
            {
                last = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return last >= 0 && _claimed[last].End > span.Start;
    }

    private static List<(int Start, int End)> Merge(List<(int Start, int End)> a, List<(int Start, int End)> b)
    {
        var merged = new List<(int Start, int End)>(a.Count + b.Count);
        int i = 0, j = 0;
        while (i < a.Count || j < b.Count)
        {
            merged.Add(j == b.Count || (i < a.Count && a[i].Start <= b[j].Start) ? a[i++] : b[j++]);
        }

        return merged;
    }

    private int NewlinesBefore(string text, int index)
    {
        if (_newlines is null)
        {
            _newlines = [];
            for (var i = text.IndexOf('\n', StringComparison.Ordinal); i >= 0; i = text.IndexOf('\n', i + 1))
            {
                _newlines.Add(i);
            }
        }

        var found = _newlines.BinarySearch(index);
        return found >= 0 ? found : ~found;
    }

    private static string LineAround(string text, int index)
    {
        var from = Math.Max(0, index - LineContext);
        var start = text.LastIndexOf('\n', index == 0 ? 0 : index - 1, index - from) + 1;
        if (start == 0) start = from;
        var to = Math.Min(text.Length, index + LineContext);
        var end = text.IndexOf('\n', index, to - index);
        if (end < 0) end = to;
        return text[start..end];
    }

    /// <summary>
    /// True when the match sits inside <c>data:image/…;base64,…</c>: random image bytes can spell
    /// anything. Walks back over the base64 run (cached per run, so many matches in one large
    /// image cost one walk).
    /// </summary>
    private bool InsideBase64DataUri(string text, int index)
    {
        if (index >= _dataUriRunStart && index <= _dataUriRunEnd && _dataUriRunStart >= 0) return _dataUriRunIsImage;
        var start = index;
        while (start > 0 && IsBase64(text[start - 1])) start--;
        var end = index;
        while (end < text.Length && IsBase64(text[end])) end++;
        const string marker = ";base64,";
        var isImage = false;
        if (start >= marker.Length && text.AsSpan(start - marker.Length, marker.Length).Equals(marker, StringComparison.OrdinalIgnoreCase))
        {
            var head = text.AsSpan(Math.Max(0, start - 100), Math.Min(start, 100));
            var data = head.LastIndexOf("data:", StringComparison.OrdinalIgnoreCase);
            isImage = data >= 0 && head[(data + 5)..].StartsWith("image/", StringComparison.OrdinalIgnoreCase);
        }

        (_dataUriRunStart, _dataUriRunEnd, _dataUriRunIsImage) = (start, end, isImage);
        return isImage;

        static bool IsBase64(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=';
    }

    /// <summary>How sure a match is a secret.</summary>
    private enum Strength
    {
        /// <summary>Not a secret (allow-listed, a placeholder, an identifier, a failed checksum, a key that does not parse).</summary>
        Rejected,
        /// <summary>The format matches but its check fails (checksum, key parse): a look-alike, claimed so no generic rule reports it.</summary>
        Counterfeit,
        /// <summary>The format matches, nothing proves it: context may lower it.</summary>
        Unverified,
        /// <summary>Proven by the value itself: context never lowers it.</summary>
        Verified,
    }
}
