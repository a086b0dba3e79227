using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Analyzers.Secrets;

/// <summary>
/// The secret rules, loaded from <c>rules/secrets/rules.json</c> (embedded; requirements as data,
/// DESIGN principle 4) and compiled once. A malformed rules file throws: a gate that silently
/// runs with fewer rules would be a pass it did not earn (principle 1).
/// </summary>
internal sealed class SecretRuleSet
{
    internal const string ResourceName = "Gatehouse.Rules.Secrets.rules.json";

    // Linear-time matching: hostile files cannot trigger catastrophic backtracking, so the work per
    // window is bounded by its size and the rule count. No match timeout, on purpose: on .NET 10 a
    // timeout makes the non-backtracking engine check the clock every few thousand characters and
    // treat those stops as input edges, so \b anchors there and word-bounded tokens later in a large
    // input are silently missed (the class of dotnet/runtime#74467; reproduced by the test
    // Line_numbers_stay_right_after_many_windows). An explicit infinite timeout also overrides a
    // process-wide REGEX_DEFAULT_MATCH_TIMEOUT. The scan's CancellationToken bounds wall-clock time.
    private const RegexOptions RuleOptions =
        RegexOptions.NonBacktracking | RegexOptions.Multiline | RegexOptions.ExplicitCapture | RegexOptions.CultureInvariant;
    // The non-backtracking engine finds matches fast but pays a lot for capture groups; groups are
    // taken afterwards from the matched span alone by the backtracking engine, whose work is bounded
    // by the span (and by a timeout, which is reliable in that engine).
    private const RegexOptions ExtractOptions =
        RegexOptions.Multiline | RegexOptions.ExplicitCapture | RegexOptions.CultureInvariant;
    internal static readonly TimeSpan ExtractTimeout = TimeSpan.FromSeconds(2);
    private const RegexOptions AllowOptions =
        RegexOptions.NonBacktracking | RegexOptions.ExplicitCapture | RegexOptions.CultureInvariant;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly Lazy<SecretRuleSet> LazyDefault = new(LoadEmbedded);

    private SecretRuleSet(string version, IReadOnlyList<SecretRule> rules, IReadOnlyList<GlobalAllow> globalAllow, FrozenSet<string> lockfiles, SecretContext context)
    {
        Version = version;
        Context = context;
        Rules = rules;
        GlobalAllow = globalAllow;
        Lockfiles = lockfiles;
        Descriptors = rules.Select(r => r.Descriptor).ToList();
        Keywords = new KeywordSet(rules.SelectMany(r => r.Keywords.Concat(r.RequiresAll)));
        BinaryKeywords = new KeywordSet(rules.Where(r => r.ScanBinary).SelectMany(r => r.Keywords.Concat(r.RequiresAll)));
    }

    /// <summary>The bundled rules.</summary>
    public static SecretRuleSet Default => LazyDefault.Value;

    public string Version { get; }

    /// <summary>Specific rules first, generic ones last, so a specific rule wins an overlapping match.</summary>
    public IReadOnlyList<SecretRule> Rules { get; }

    public IReadOnlyList<RuleDescriptor> Descriptors { get; }

    public IReadOnlyList<GlobalAllow> GlobalAllow { get; }

    /// <summary>Every keyword of every rule, for the one-pass keyword search.</summary>
    public KeywordSet Keywords { get; }

    /// <summary>The keywords of the rules that also run on binary files.</summary>
    public KeywordSet BinaryKeywords { get; }

    /// <summary>Where a match sits (documentation, comment, source map, minified line): lowers unverified findings.</summary>
    public SecretContext Context { get; }

    /// <summary>Lockfile names: machine-written hashes, so the generic rules skip them.</summary>
    public FrozenSet<string> Lockfiles { get; }

    private static SecretRuleSet LoadEmbedded()
    {
        using var stream = typeof(SecretRuleSet).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidDataException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        // The embedded rules' regexes are compiled when a rule first runs: compiling all 76 for the
        // non-backtracking engine takes about a second of CPU and 115 MB that stays allocated, and most
        // rules never run because their keywords never occur. The tests compile every one of them
        // (SecretRulesFileTests); a regex that failed anyway would fail its analyzer run (verdict
        // incomplete), never skip the rule silently.
        return Parse(reader.ReadToEnd(), compileNow: false);
    }

    /// <summary>Parses and compiles a rules file; throws <see cref="InvalidDataException"/> on any defect.</summary>
    public static SecretRuleSet Parse(string json) => Parse(json, compileNow: true);

    /// <param name="json">The rules file.</param>
    /// <param name="compileNow">Compile every regex now (so a defect throws here); otherwise each rule's on its first run.</param>
    private static SecretRuleSet Parse(string json, bool compileNow)
    {
        RulesFile file;
        try
        {
            file = JsonSerializer.Deserialize<RulesFile>(json, Json) ?? throw new InvalidDataException("the secret rules file is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("the secret rules file is malformed: " + e.Message, e);
        }

        var globals = file.GlobalAllow.Select(g => new GlobalAllow(
            g.Id,
            g.Generic,
            g.Secret is null ? null : Compile(g.Secret, AllowOptions, "globalAllow " + g.Id),
            g.Line is null ? null : Compile(g.Line, AllowOptions, "globalAllow " + g.Id))).ToList();
        var globalIds = globals.Select(g => g.Id).ToHashSet(StringComparer.Ordinal);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rules = new List<SecretRule>();
        // The URL rules share their allow-lists: a non-backtracking regex with (?i) costs megabytes, so
        // each distinct pattern is compiled once for all rules (Regex is safe to share between threads).
        var shared = new ConcurrentDictionary<string, Regex>(StringComparer.Ordinal);
        Regex CompileShared(string pattern, string where) => shared.GetOrAdd(pattern, p => Compile(p, AllowOptions, where));
        foreach (var r in file.Rules)
        {
            if (!r.Id.StartsWith("secret.", StringComparison.Ordinal) || r.Id.Length <= "secret.".Length)
                throw new InvalidDataException($"rule id '{r.Id}' must be secret.<kind>");
            if (!seen.Add(r.Id)) throw new InvalidDataException($"rule id '{r.Id}' is defined twice");
            if (r.Keywords.Count == 0 || r.Keywords.Any(k => k.Length == 0 || !string.Equals(k, k.ToLowerInvariant(), StringComparison.Ordinal)))
                throw new InvalidDataException($"rule {r.Id}: keywords must be non-empty and lower-case");
            if (r.RequiresAll.Any(k => !string.Equals(k, k.ToLowerInvariant(), StringComparison.Ordinal)))
                throw new InvalidDataException($"rule {r.Id}: requiresAll words must be lower-case");
            if ((r.AllowName.Count > 0 || r.LowerName.Count > 0) && !r.Regex.Contains("(?<name>", StringComparison.Ordinal))
                throw new InvalidDataException($"rule {r.Id}: allowName needs a group named 'name' in the regex");
            if (r.Validate is not null && !SecretRule.Validators.Contains(r.Validate))
                throw new InvalidDataException($"rule {r.Id}: unknown validator '{r.Validate}'");
            if (r.IgnoreGlobalAllow.FirstOrDefault(id => !globalIds.Contains(id)) is { } unknown)
                throw new InvalidDataException($"rule {r.Id}: unknown global allow-list '{unknown}'");
            var regexes = new Lazy<SecretRuleRegexes>(() =>
            {
                var pattern = Compile(r.Regex, RuleOptions, "rule " + r.Id);
                return new SecretRuleRegexes(
                    pattern,
                    new Regex(r.Regex, ExtractOptions, ExtractTimeout),
                    pattern.GroupNumberFromName("secret"),
                    [.. r.Allow.Select(a => CompileShared(a, "rule " + r.Id + " allow"))],
                    pattern.GroupNumberFromName("name"),
                    [.. r.AllowName.Select(a => CompileShared(a, "rule " + r.Id + " allowName"))],
                    [.. r.LowerName.Select(a => CompileShared(a, "rule " + r.Id + " lowerName"))]);
            }, LazyThreadSafetyMode.ExecutionAndPublication);
            if (compileNow) _ = regexes.Value;
            var descriptor = new RuleDescriptor(r.Id, r.Title, r.Severity, r.RequirementId, r.Description + " Fix: " + r.Rotate);
            rules.Add(new SecretRule(
                descriptor,
                regexes,
                [.. r.Keywords],
                [.. r.RequiresAll],
                r.Entropy ?? 0,
                r.MinLength,
                r.MaxLength,
                r.IgnoreGlobalAllow.ToFrozenSet(StringComparer.Ordinal),
                r.Validate,
                r.ScanBinary,
                r.Generic,
                r.KeywordInMatch)
            {
                MinClasses = r.MinClasses,
                IdentifierWordLength = r.IdentifierWordLength ?? 0,
                CodeNeedsString = r.CodeNeedsString,
                Distinctive = r.Distinctive,
            });
        }

        if (rules.Count == 0) throw new InvalidDataException("the secret rules file has no rules");
        // Stable order: specific rules in file order, then the generic ones in file order.
        var ordered = rules.Where(r => !r.Generic).Concat(rules.Where(r => r.Generic)).ToList();
        var c = file.Context;
        var context = c is null
            ? SecretContext.None
            : new SecretContext(
                c.DocumentationExtensions, c.DocumentationNames, c.DocumentationDirectories,
                c.ExampleLine is null ? null : Compile(c.ExampleLine, AllowOptions, "context exampleLine"),
                c.CommentLine is null ? null : Compile(c.CommentLine, AllowOptions, "context commentLine"),
                c.SourceMapExtensions, c.MinifiedSuffixes, c.LongLine, c.CodeExtensions);
        return new SecretRuleSet(file.Version, ordered, globals, file.Lockfiles.ToFrozenSet(StringComparer.OrdinalIgnoreCase), context);
    }

    private static Regex Compile(string pattern, RegexOptions options, string where)
    {
        try
        {
            return new Regex(pattern, options, Regex.InfiniteMatchTimeout);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"{where}: the regex does not compile for the non-backtracking engine: {e.Message}", e);
        }
    }

    // ---- the JSON shape of rules/secrets/rules.json

    private sealed record RulesFile(
        string Version,
        IReadOnlyList<string> Lockfiles,
        IReadOnlyList<GlobalAllowJson> GlobalAllow,
        IReadOnlyList<RuleJson> Rules)
    {
        [JsonPropertyName("$comment")]
        public string? Comment { get; init; }

        public ContextJson? Context { get; init; }
    }

    private sealed record ContextJson(
        IReadOnlyList<string> DocumentationExtensions,
        IReadOnlyList<string> DocumentationNames,
        IReadOnlyList<string> DocumentationDirectories,
        string? ExampleLine,
        string? CommentLine,
        IReadOnlyList<string> SourceMapExtensions,
        IReadOnlyList<string> MinifiedSuffixes,
        int LongLine,
        IReadOnlyList<string> CodeExtensions)
    {
        [JsonPropertyName("$comment")]
        public string? Comment { get; init; }
    }

    private sealed record GlobalAllowJson(string Id, string Description, string? Secret, string? Line, bool Generic);

    private sealed record RuleJson(
        string Id,
        string Title,
        Severity Severity,
        string RequirementId,
        IReadOnlyList<string> Keywords,
        string Regex,
        string Description,
        string Rotate)
    {
        public IReadOnlyList<string> RequiresAll { get; init; } = [];
        public double? Entropy { get; init; }
        public int MinLength { get; init; } = 1;
        public int MaxLength { get; init; } = int.MaxValue;
        public IReadOnlyList<string> Allow { get; init; } = [];
        public IReadOnlyList<string> AllowName { get; init; } = [];
        public IReadOnlyList<string> LowerName { get; init; } = [];
        public int MinClasses { get; init; }
        public double? IdentifierWordLength { get; init; }
        public bool CodeNeedsString { get; init; }
        public bool Distinctive { get; init; }
        public IReadOnlyList<string> IgnoreGlobalAllow { get; init; } = [];
        public string? Validate { get; init; }
        public bool ScanBinary { get; init; }
        public bool Generic { get; init; }
        public bool KeywordInMatch { get; init; } = true;
    }
}

/// <summary>One rule.</summary>
/// <param name="Regexes">Its compiled regexes, built on first use (<see cref="SecretRuleRegexes"/>).</param>
/// <param name="Keywords">Lower-case; the regex runs only on text containing one of them.</param>
/// <param name="RequiresAll">Lower-case; all must be in the text (context such as <c>mailgun</c>).</param>
/// <param name="MinEntropy">Shannon bits per character the secret must reach; 0 for none.</param>
/// <param name="MinLength">Shortest secret reported. Length bounds live here, not in the regex: large counted
/// loops make the non-backtracking engine many times slower.</param>
/// <param name="MaxLength">Longest secret reported.</param>
/// <param name="ScanBinary">Also searched in binary files (PEM private keys embedded in executables).</param>
/// <param name="Generic">Keyword-and-entropy rule: runs last, skipped in lockfiles, stricter placeholder lists.</param>
/// <param name="KeywordInMatch">Every match contains one of the keywords, so only the text around keyword
/// occurrences is searched; false (e.g. Discord bot tokens, keyed by "discord" anywhere) searches whole windows.</param>
internal sealed record SecretRule(
    RuleDescriptor Descriptor,
    Lazy<SecretRuleRegexes> Regexes,
    string[] Keywords,
    string[] RequiresAll,
    double MinEntropy,
    int MinLength,
    int MaxLength,
    FrozenSet<string> IgnoreGlobalAllow,
    string? Validate,
    bool ScanBinary,
    bool Generic,
    bool KeywordInMatch)
{
    internal const string ValidateJwt = "jwt";
    /// <summary>Checks the CRC-32 of a Gatehouse API key (<see cref="GatehouseApiKeyFormat"/>).</summary>
    internal const string ValidateGatehouseApiKey = "gatehouse-api-key";
    /// <summary>The GitHub/npm 2021 format: CRC-32 of the 30 entropy characters in the last 6 (<see cref="TokenChecksums.Crc32Base62"/>).</summary>
    internal const string ValidateCrc32Base62 = "crc32-base62";
    /// <summary>The whole match is a PEM/OpenSSH/PGP block that parses as a private key (<see cref="PrivateKeyBlock"/>).</summary>
    internal const string ValidatePrivateKey = "private-key";
    /// <summary>Verified when the PyPI token decodes to its macaroon (<see cref="TokenChecksums.IsPyPiMacaroon"/>), else unverified.</summary>
    internal const string ValidatePyPiMacaroon = "pypi-macaroon";
    /// <summary>An AWS secret key: verified when an access key ID stands beside it.</summary>
    internal const string ValidateAwsSecret = "aws-secret";

    internal static readonly FrozenSet<string> Validators = new[]
    {
        ValidateJwt, ValidateGatehouseApiKey, ValidateCrc32Base62, ValidatePrivateKey, ValidatePyPiMacaroon, ValidateAwsSecret,
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Fewest character classes (upper, lower, digit, other) the value must use; 0 for no test.</summary>
    public int MinClasses { get; init; }

    /// <summary>When above 0, values that read as identifiers (<see cref="SecretText.LooksLikeIdentifier"/>) with words this long on average are not secrets.</summary>
    public double IdentifierWordLength { get; init; }

    /// <summary>In program source (<see cref="SecretContext.CodeExtensions"/>) the value must be a string literal: unquoted it is an expression (a variable, a property).</summary>
    public bool CodeNeedsString { get; init; }

    /// <summary>
    /// The format (a provider prefix and exact shape: <c>sk_live_</c>, <c>xoxb-</c>, <c>AKIA</c> + base32) is strong evidence
    /// by itself, so context does not lower it even without a checksum; placeholders and documented examples still do not count.
    /// </summary>
    public bool Distinctive { get; init; }

    public Regex[] LowerName => Regexes.Value.LowerName;

    public string Id => Descriptor.Id;

    public Regex Pattern => Regexes.Value.Pattern;

    public Regex Extractor => Regexes.Value.Extractor;

    public int SecretGroup => Regexes.Value.SecretGroup;

    public Regex[] Allow => Regexes.Value.Allow;

    public int NameGroup => Regexes.Value.NameGroup;

    public Regex[] AllowName => Regexes.Value.AllowName;
}

/// <summary>The compiled regexes of one rule.</summary>
/// <param name="Pattern">Non-backtracking: finds match spans in whole windows.</param>
/// <param name="Extractor">The same regex for the backtracking engine: reads the groups of one matched span.</param>
/// <param name="SecretGroup">Number of the group named <c>secret</c>, or -1 for the whole match.</param>
/// <param name="Allow">Regexes on the secret value that make a match benign.</param>
/// <param name="NameGroup">Number of the group named <c>name</c> (the assigned name in generic rules), or -1.</param>
/// <param name="AllowName">Regexes on that name that make a match benign (<c>token_id</c>, <c>public_key</c>).</param>
/// <param name="LowerName">Regexes on that name that lower the finding to low (a password for a service on localhost).</param>
internal sealed record SecretRuleRegexes(Regex Pattern, Regex Extractor, int SecretGroup, Regex[] Allow, int NameGroup, Regex[] AllowName, Regex[] LowerName);

/// <summary>
/// Lower-case keywords prepared for a case-insensitive multi-string search. <see cref="FindAll"/>
/// reports every (keyword, position) where <c>text[position..]</c> starts with the keyword
/// (<see cref="StringComparison.OrdinalIgnoreCase"/>) and the first character lower-cases to the
/// keyword's first character. It looks each pair of adjacent characters, folded to ASCII lower case,
/// up in a table of the keywords' first two characters and verifies only those candidates: one cheap
/// step per character. (SearchValues with 70 short keywords, several of two or three characters,
/// manages about 20 M characters/s on source text, where its candidates are everywhere.)
/// </summary>
internal sealed class KeywordSet
{
    // Fold[c]: c's ASCII lower-case form when c equals an ASCII character under OrdinalIgnoreCase
    // (the non-ASCII ones are the few whose invariant upper case is ASCII, e.g. U+0131 and U+017F), else 0.
    internal static readonly byte[] Fold = BuildFold();

    private static readonly string[] None = [];
    private readonly FrozenDictionary<char, string[]> _byFirstChar;
    // Keyword indexes by Fold[first] * 128 + Fold[second]; null when a keyword is shorter than two
    // characters or not printable ASCII (then the SearchValues search is used).
    private readonly int[]?[]? _byPair;

    public KeywordSet(IEnumerable<string> keywords)
    {
        Words = keywords.Distinct(StringComparer.Ordinal).ToArray();
        Search = SearchValues.Create(Words, StringComparison.OrdinalIgnoreCase);
        MaxLength = Words.Length == 0 ? 0 : Words.Max(k => k.Length);
        _byFirstChar = Words.GroupBy(k => k[0]).ToFrozenDictionary(g => g.Key, g => g.ToArray());
        if (Words.All(k => k.Length >= 2 && k.All(c => c is >= ' ' and <= '~')))
        {
            _byPair = new int[]?[128 * 128];
            for (var i = 0; i < Words.Length; i++)
            {
                ref var slot = ref _byPair[Words[i][0] * 128 + Words[i][1]];
                slot = [.. slot ?? [], i];
            }
        }
    }

    /// <summary>The distinct keywords; <see cref="FindAll"/> reports indexes into this array.</summary>
    public string[] Words { get; }

    /// <summary>All keywords for <see cref="MemoryExtensions.IndexOfAny{T}(ReadOnlySpan{T}, SearchValues{T})"/>: is any of them there at all.</summary>
    public SearchValues<string> Search { get; }

    /// <summary>Length of the longest keyword.</summary>
    public int MaxLength { get; }

    /// <summary>Calls <paramref name="hit"/> with (keyword index, position) for every occurrence, in position order.</summary>
    public void FindAll(ReadOnlySpan<char> text, Action<int, int> hit)
    {
        if (_byPair is null)
        {
            FindAllBySearchValues(text, hit);
            return;
        }

        var fold = Fold;
        var table = _byPair;
        for (var at = 0; at + 1 < text.Length; at++)
        {
            if (table[(fold[text[at]] << 7) | fold[text[at + 1]]] is not { } candidates) continue;
            var rest = text[at..];
            foreach (var k in candidates)
            {
                var word = Words[k];
                if (char.ToLowerInvariant(rest[0]) == word[0] && rest.StartsWith(word, StringComparison.OrdinalIgnoreCase)) hit(k, at);
            }
        }
    }

    private void FindAllBySearchValues(ReadOnlySpan<char> text, Action<int, int> hit)
    {
        var offset = 0;
        while (offset < text.Length)
        {
            var i = text[offset..].IndexOfAny(Search);
            if (i < 0) break;
            var at = offset + i;
            var rest = text[at..];
            foreach (var word in _byFirstChar.GetValueOrDefault(char.ToLowerInvariant(rest[0]), None))
            {
                if (rest.StartsWith(word, StringComparison.OrdinalIgnoreCase)) hit(Array.IndexOf(Words, word), at);
            }

            offset = at + 1;
        }
    }

    private static byte[] BuildFold()
    {
        var fold = new byte[char.MaxValue + 1];
        for (var c = 1; c <= char.MaxValue; c++)
        {
            var upper = char.ToUpperInvariant((char)c);
            if (upper < 128) fold[c] = (byte)char.ToLowerInvariant(upper);
        }

        return fold;
    }
}

/// <summary>An allow-list entry for every rule: the secret regex and, when given, the line regex must both match.</summary>
/// <param name="Generic">Applies to the generic rules only.</param>
internal sealed record GlobalAllow(string Id, bool Generic, Regex? Secret, Regex? Line);
