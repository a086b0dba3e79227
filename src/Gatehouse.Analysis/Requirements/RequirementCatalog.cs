using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Gatehouse.Analysis.Requirements;

/// <summary>
/// The security requirements catalogue: every <c>rules/requirements/*.yaml</c>, validated strictly
/// (an invalid file is an error, never a partial catalogue). The server and <c>gatehouse guidelines</c>
/// read the copy embedded in this assembly, so both publish the same catalogue. Immutable.
/// </summary>
public sealed partial class RequirementCatalog
{
    /// <summary>Largest catalogue file read.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>Most files in one catalogue.</summary>
    public const int MaxFiles = 64;

    private const string ResourcePrefix = "Gatehouse.Rules.Requirements.";

    /// <summary>
    /// Rule families of later issues that <c>verifiedBy.plannedRules</c> may name before the rule exists:
    /// endpoint probes, descriptor checks, dependency advisories, image and chart checks, rendered
    /// Kubernetes manifests and signatures (docs/guidelines.md).
    /// </summary>
    public static readonly IReadOnlyList<string> PlannedRulePrefixes = ["probe.", "descriptor.", "deps.", "image.", "chart.", "k8s.", "sign."];

    private static readonly Lazy<RequirementCatalog> Embedded = new(() => Load(EmbeddedFiles()));

    private readonly Dictionary<string, Requirement> _byId;

    private RequirementCatalog(IReadOnlyList<Requirement> requirements, IReadOnlyDictionary<string, string> areas)
    {
        All = requirements;
        Areas = areas;
        _byId = requirements.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var lines = new StringBuilder();
        foreach (var r in requirements.OrderBy(r => r.Id, StringComparer.Ordinal))
            lines.Append(CultureInfo.InvariantCulture, $"{r.Id}\t{r.Version}\t{r.Digest}\n");
        Digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines.ToString())));
        var latest = requirements.Count == 0 ? default : requirements.Max(r => r.Effective);
        Version = $"{latest:yyyy-MM-dd}+{Digest["sha256:".Length..][..12]}";
    }

    /// <summary>Every requirement, ordered by area and then number (GH-AUTH-1, GH-AUTH-2, ..., GH-WEB-7).</summary>
    public IReadOnlyList<Requirement> All { get; }

    /// <summary>Area code (<c>TLS</c>) to heading ("Transport security").</summary>
    public IReadOnlyDictionary<string, string> Areas { get; }

    /// <summary><c>sha256:</c> over every (id, version, digest): changes whenever any requirement does.</summary>
    public string Digest { get; }

    /// <summary>The catalogue version as reports record it: the latest effective date and the digest's first 12 hex digits, e.g. <c>2026-11-29+3fa2b1c09e8d</c>.</summary>
    public string Version { get; }

    /// <summary>The catalogue embedded in this assembly (loaded once; throws <see cref="GuidelineDataException"/> if invalid).</summary>
    public static RequirementCatalog LoadEmbedded() => Embedded.Value;

    /// <summary>Loads every <c>*.yaml</c> in <paramref name="directory"/> (e.g. a checkout's <c>rules/requirements</c>).</summary>
    public static RequirementCatalog LoadDirectory(string directory)
    {
        var files = Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal).ToList();
        if (files.Count > MaxFiles) throw new GuidelineDataException("requirements catalogue", [$"{directory}: more than {MaxFiles} files"]);
        var sources = new List<(string Name, string Text)>();
        foreach (var file in files)
        {
            var length = new FileInfo(file).Length;
            if (length > MaxFileBytes) throw new GuidelineDataException("requirements catalogue", [$"{Path.GetFileName(file)}: larger than {MaxFileBytes} bytes"]);
            sources.Add(($"rules/requirements/{Path.GetFileName(file)}", File.ReadAllText(file)));
        }
        return Load(sources);
    }

    /// <summary>Parses and validates catalogue files given as (name for messages, YAML text).</summary>
    public static RequirementCatalog Load(IEnumerable<(string Name, string Text)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var errors = new List<string>();
        var areas = new Dictionary<string, string>(StringComparer.Ordinal);
        var requirements = new List<Requirement>();
        var where = new Dictionary<string, string>(StringComparer.Ordinal);
        var count = 0;
        foreach (var (name, text) in files)
        {
            if (++count > MaxFiles) { errors.Add($"more than {MaxFiles} files"); break; }
            foreach (var r in ParseFile(name, text, areas, errors))
            {
                if (where.TryGetValue(r.Id, out var first)) errors.Add($"{name}: {r.Id}: duplicate ID (first defined in {first})");
                else { where[r.Id] = name; requirements.Add(r); }
            }
        }
        if (count == 0) errors.Add("no requirement files");
        if (errors.Count > 0) throw new GuidelineDataException("requirements catalogue", errors);
        var ordered = requirements.OrderBy(r => r.Area, StringComparer.Ordinal).ThenBy(r => Number(r.Id)).ToList();
        return new RequirementCatalog(ordered, areas);
    }

    /// <summary>The requirement with <paramref name="id"/>, or null.</summary>
    public Requirement? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The requirement with <paramref name="id"/>; throws <see cref="KeyNotFoundException"/> when there is none.</summary>
    public Requirement Get(string id) => Find(id) ?? throw new KeyNotFoundException($"no requirement {id} in the catalogue");

    /// <summary>The requirements that apply to <paramref name="appType"/> (a name from <see cref="AppTypes"/>, short names accepted).</summary>
    public IReadOnlyList<Requirement> ForType(string appType)
    {
        var type = AppTypes.Normalize(appType) ?? throw new ArgumentException($"unknown app type '{appType}'; expected one of: {string.Join(", ", AppTypes.All)}", nameof(appType));
        return All.Where(r => r.AppliesToType(type)).ToList();
    }

    private static IEnumerable<Requirement> ParseFile(string name, string text, Dictionary<string, string> areas, List<string> errors)
    {
        YamlValue? root;
        try { root = SafeYaml.Parse(text, MaxFileBytes); }
        catch (YamlDataException ex) { errors.Add($"{name}: {ex.Message} (line {ex.Line})"); yield break; }
        if (root is not YamlMapping map) { errors.Add($"{name}: expected a mapping with 'areas' and 'requirements'"); yield break; }

        var file = new YamlFields(map, name, errors);
        file.RejectUnknownKeys("areas", "requirements");
        var fileAreas = new Dictionary<string, string>(StringComparer.Ordinal);
        if (file.Mapping("areas") is { } areaMap)
        {
            var fields = new YamlFields(areaMap, $"{name}: areas", errors);
            foreach (var (code, _) in areaMap.Entries)
            {
                if (!AreaPattern().IsMatch(code)) { fields.Error($"area code '{code}' must be 2 to 8 capital letters"); continue; }
                if (fields.Text(code, maxLength: 80, singleLine: true) is not { } title) continue;
                fileAreas[code] = title;
                if (areas.TryGetValue(code, out var other) && other != title) fields.Error($"area {code} is titled '{other}' in another file");
                else areas[code] = title;
            }
        }
        if (file.Sequence("requirements") is not { } list) yield break;
        foreach (var item in list.Items)
        {
            if (item is not YamlMapping m) { errors.Add($"{name}: each requirement must be a mapping (line {item.Line})"); continue; }
            if (ParseRequirement(name, m, fileAreas, errors) is { } r) yield return r;
        }
    }

    private static Requirement? ParseRequirement(string file, YamlMapping map, IReadOnlyDictionary<string, string> areas, List<string> errors)
    {
        var idText = map.Entries.FirstOrDefault(e => e.Key == "id").Value is YamlScalar s ? s.Text.Trim() : "(no id)";
        var before = errors.Count;
        var f = new YamlFields(map, $"{file}: {idText}", errors);
        f.RejectUnknownKeys("id", "title", "why", "how", "appliesTo", "severity", "verifiedBy", "version", "effective");

        var id = f.Text("id", maxLength: 20, singleLine: true);
        var match = id is null ? null : IdPattern().Match(id);
        string? area = null;
        if (id is not null && !match!.Success) f.Error($"ID '{id}' does not match GH-<AREA>-<n> (AREA: 2 to 8 capital letters, n: 1 to 9999)");
        else if (match is not null)
        {
            area = match.Groups["area"].Value;
            if (!areas.ContainsKey(area)) f.Error($"area {area} is not declared under 'areas' in this file");
        }
        var title = f.Text("title", maxLength: 120, singleLine: true);
        var why = f.Text("why", maxLength: 2000);
        var how = f.Text("how", maxLength: 4000);
        var appliesTo = f.TextList("appliesTo", required: true, maxItems: AppTypes.All.Count);
        if (appliesTo is { Count: 0 }) f.Error("'appliesTo' is empty");
        foreach (var t in appliesTo ?? [])
            if (!AppTypes.All.Contains(t, StringComparer.Ordinal)) f.Error($"unknown app type '{t}' in 'appliesTo' (expected one of: {string.Join(", ", AppTypes.All)})");
        var severity = f.Text("severity", maxLength: 10);
        if (severity is not null && !RequirementSeverities.All.Contains(severity, StringComparer.Ordinal))
            f.Error($"unknown severity '{severity}' (expected one of: {string.Join(", ", RequirementSeverities.All)})");
        var version = f.PositiveInt("version");
        var effective = f.Date("effective");
        var verifiedBy = f.Mapping("verifiedBy") is { } v ? ParseVerification(new YamlFields(v, $"{file}: {idText}: verifiedBy", errors), v) : null;

        if (errors.Count > before) return null;
        return new Requirement(id!, area!, areas[area!], title!, why!, how!, appliesTo!, severity!, verifiedBy!, version!.Value, effective!.Value);
    }

    private static RequirementVerification ParseVerification(YamlFields f, YamlMapping map)
    {
        f.RejectUnknownKeys("rules", "plannedRules", "questions", "evidence");
        var rules = f.TextList("rules", required: false) ?? [];
        var planned = f.TextList("plannedRules", required: false) ?? [];
        var questions = f.TextList("questions", required: false) ?? [];
        var evidence = f.TextList("evidence", required: false) ?? [];
        foreach (var r in rules)
            if (!RulePattern().IsMatch(r)) f.Error($"rule '{r}' is not a rule ID (family.name) or a family (family.*)");
        foreach (var r in planned)
            if (!RulePattern().IsMatch(r) || r.EndsWith(".*", StringComparison.Ordinal) || !PlannedRulePrefixes.Any(p => r.StartsWith(p, StringComparison.Ordinal)))
                f.Error($"planned rule '{r}' must be a rule ID starting with one of: {string.Join(", ", PlannedRulePrefixes)}");
        foreach (var q in questions)
            if (!QuestionPattern().IsMatch(q)) f.Error($"question '{q}' does not match Q-<AREA>-<n>");
        foreach (var e in evidence)
            if (!EvidenceTypes.All.Contains(e, StringComparer.Ordinal)) f.Error($"unknown evidence type '{e}' (expected one of: {string.Join(", ", EvidenceTypes.All)})");
        if (rules.Count + planned.Count + questions.Count + evidence.Count == 0)
            f.Error("names no rule, planned rule, question or evidence: every requirement must be verifiable");
        return new RequirementVerification(rules, planned, questions, evidence);
    }

    private static List<(string Name, string Text)> EmbeddedFiles()
    {
        var assembly = typeof(RequirementCatalog).Assembly;
        var files = new List<(string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            files.Add(($"rules/requirements/{resource[ResourcePrefix.Length..]}", reader.ReadToEnd()));
        }
        return files;
    }

    private static int Number(string id) => int.Parse(id[(id.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^GH-(?<area>[A-Z]{2,8})-[1-9][0-9]{0,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Z]{2,8}$", RegexOptions.CultureInvariant)]
    private static partial Regex AreaPattern();

    [GeneratedRegex(@"^[a-z0-9]+(-[a-z0-9]+)*\.([a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*|\*)$", RegexOptions.CultureInvariant)]
    private static partial Regex RulePattern();

    /// <summary>Questionnaire item IDs: <c>Q-&lt;AREA&gt;-&lt;n&gt;</c>.</summary>
    [GeneratedRegex(@"^Q-[A-Z]{2,8}-[1-9][0-9]{0,3}$", RegexOptions.CultureInvariant)]
    internal static partial Regex QuestionPattern();
}
