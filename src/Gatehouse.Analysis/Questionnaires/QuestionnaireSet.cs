using System.Text;
using Gatehouse.Analysis.Requirements;

namespace Gatehouse.Analysis.Questionnaires;

/// <summary>
/// The current questionnaire of every app type (<c>rules/questionnaires/*.yaml</c>), validated strictly.
/// The server and the CLI read the copy embedded in this assembly. Immutable.
/// </summary>
public sealed class QuestionnaireSet
{
    /// <summary>Largest questionnaire file read.</summary>
    public const int MaxFileBytes = 256 * 1024;

    /// <summary>Most items in one questionnaire.</summary>
    public const int MaxItems = 50;

    private const string ResourcePrefix = "Gatehouse.Rules.Questionnaires.";

    private static readonly Lazy<QuestionnaireSet> Embedded = new(() => Load(EmbeddedFiles()));

    private readonly Dictionary<string, Questionnaire> _byType;

    private QuestionnaireSet(Dictionary<string, Questionnaire> byType) => _byType = byType;

    /// <summary>Every questionnaire, in <see cref="AppTypes.All"/> order.</summary>
    public IReadOnlyList<Questionnaire> All => AppTypes.All.Where(_byType.ContainsKey).Select(t => _byType[t]).ToList();

    /// <summary>The questionnaires embedded in this assembly (loaded once; throws <see cref="GuidelineDataException"/> if invalid).</summary>
    public static QuestionnaireSet LoadEmbedded() => Embedded.Value;

    /// <summary>Loads every <c>*.yaml</c> in <paramref name="directory"/>.</summary>
    public static QuestionnaireSet LoadDirectory(string directory)
    {
        var sources = new List<(string, string)>();
        foreach (var file in Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            if (new FileInfo(file).Length > MaxFileBytes)
                throw new GuidelineDataException("questionnaires", [$"{Path.GetFileName(file)}: larger than {MaxFileBytes} bytes"]);
            sources.Add(($"rules/questionnaires/{Path.GetFileName(file)}", File.ReadAllText(file)));
        }
        return Load(sources);
    }

    /// <summary>Parses and validates questionnaire files given as (name for messages, YAML text); the file name must be the app type.</summary>
    public static QuestionnaireSet Load(IEnumerable<(string Name, string Text)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var errors = new List<string>();
        var byType = new Dictionary<string, Questionnaire>(StringComparer.Ordinal);
        var itemIds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in files)
        {
            if (QuestionnaireParser.Parse(name, text, MaxFileBytes, MaxItems, errors) is not { } q) continue;
            if (!byType.TryAdd(q.AppType, q)) { errors.Add($"{name}: a second questionnaire for {q.AppType}"); continue; }
            foreach (var item in q.Items)
                if (!itemIds.TryAdd(item.Id, name)) errors.Add($"{name}: {item.Id}: duplicate ID (also in {itemIds[item.Id]})");
        }
        if (byType.Count == 0 && errors.Count == 0) errors.Add("no questionnaire files");
        if (errors.Count > 0) throw new GuidelineDataException("questionnaires", errors);
        return new QuestionnaireSet(byType);
    }

    /// <summary>The questionnaire for <paramref name="appType"/> (short names accepted), or null.</summary>
    public Questionnaire? Find(string appType) =>
        AppTypes.Normalize(appType) is { } t ? _byType.GetValueOrDefault(t) : null;

    /// <summary>The questionnaire for <paramref name="appType"/>; throws <see cref="KeyNotFoundException"/> when there is none.</summary>
    public Questionnaire Get(string appType) =>
        Find(appType) ?? throw new KeyNotFoundException($"no questionnaire for app type '{appType}'");

    /// <summary>
    /// Problems linking the questionnaires to <paramref name="catalog"/>: an item's requirement must exist,
    /// apply to the questionnaire's app type and list the item in <c>verifiedBy.questions</c>, and every
    /// question a requirement lists must exist and point back at it. Empty when consistent.
    /// </summary>
    public IReadOnlyList<string> CheckAgainst(RequirementCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var problems = new List<string>();
        var items = _byType.Values.SelectMany(q => q.Items.Select(i => (q, i))).ToDictionary(x => x.i.Id, StringComparer.Ordinal);
        foreach (var (q, item) in items.Values)
        {
            var r = catalog.Find(item.Requirement);
            if (r is null) problems.Add($"{q.AppType}: {item.Id}: requirement {item.Requirement} is not in the catalogue");
            else if (!r.AppliesToType(q.AppType)) problems.Add($"{q.AppType}: {item.Id}: requirement {r.Id} does not apply to {q.AppType}");
            else if (!r.VerifiedBy.Questions.Contains(item.Id, StringComparer.Ordinal)) problems.Add($"{q.AppType}: {item.Id}: requirement {r.Id} does not list it in verifiedBy.questions");
        }
        foreach (var r in catalog.All)
            foreach (var id in r.VerifiedBy.Questions)
            {
                if (!items.TryGetValue(id, out var found)) problems.Add($"{r.Id}: verifiedBy.questions names {id}, which no questionnaire has");
                else if (found.i.Requirement != r.Id) problems.Add($"{r.Id}: verifiedBy.questions names {id}, which verifies {found.i.Requirement}");
            }
        return problems;
    }

    private static List<(string Name, string Text)> EmbeddedFiles()
    {
        var assembly = typeof(QuestionnaireSet).Assembly;
        var files = new List<(string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            files.Add(($"rules/questionnaires/{resource[ResourcePrefix.Length..]}", reader.ReadToEnd()));
        }
        return files;
    }
}
