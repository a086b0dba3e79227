using System.Text.RegularExpressions;
using Gatehouse.Analysis.Requirements;

namespace Gatehouse.Analysis.Questionnaires;

/// <summary>Parses one questionnaire file; every problem goes to the error list, naming the file, item and line.</summary>
internal static partial class QuestionnaireParser
{
    public static Questionnaire? Parse(string name, string text, int maxBytes, int maxItems, List<string> errors)
    {
        YamlValue? root;
        try { root = SafeYaml.Parse(text, maxBytes); }
        catch (YamlDataException ex) { errors.Add($"{name}: {ex.Message} (line {ex.Line})"); return null; }
        if (root is not YamlMapping map) { errors.Add($"{name}: expected a mapping with version, appType, title and items"); return null; }

        var before = errors.Count;
        var f = new YamlFields(map, name, errors);
        f.RejectUnknownKeys("version", "appType", "title", "items");
        var version = f.PositiveInt("version");
        var appType = f.Text("appType", maxLength: 20);
        if (appType is not null && !AppTypes.All.Contains(appType, StringComparer.Ordinal))
            f.Error($"unknown app type '{appType}' (expected one of: {string.Join(", ", AppTypes.All)})");
        else if (appType is not null && Path.GetFileNameWithoutExtension(name) != appType)
            f.Error($"the file for app type {appType} must be named {appType}.yaml");
        var title = f.Text("title", maxLength: 120, singleLine: true);
        var items = new List<QuestionnaireItem>();
        if (f.Sequence("items") is { } list)
        {
            if (list.Items.Count == 0) f.Error("'items' is empty");
            if (list.Items.Count > maxItems) f.Error($"more than {maxItems} items");
            foreach (var entry in list.Items.Take(maxItems))
            {
                if (entry is not YamlMapping m) { errors.Add($"{name}: each item must be a mapping (line {entry.Line})"); continue; }
                if (ParseItem(name, m, errors) is { } item)
                {
                    if (items.Any(i => i.Id == item.Id)) errors.Add($"{name}: {item.Id}: duplicate ID (line {m.Line})");
                    else items.Add(item);
                }
            }
        }
        return errors.Count > before ? null : new Questionnaire(appType!, version!.Value, title!, items);
    }

    private static QuestionnaireItem? ParseItem(string file, YamlMapping map, List<string> errors)
    {
        var idText = map.Entries.FirstOrDefault(e => e.Key == "id").Value is YamlScalar s ? s.Text.Trim() : "(no id)";
        var before = errors.Count;
        var f = new YamlFields(map, $"{file}: {idText}", errors);
        f.RejectUnknownKeys("id", "text", "requirement", "kind", "required", "options");
        var id = f.Text("id", maxLength: 20);
        if (id is not null && !RequirementCatalog.QuestionPattern().IsMatch(id)) f.Error($"ID '{id}' does not match Q-<AREA>-<n>");
        var text = f.Text("text", maxLength: 1000);
        var requirement = f.Text("requirement", maxLength: 20);
        if (requirement is not null && !RequirementPattern().IsMatch(requirement)) f.Error($"requirement '{requirement}' is not a requirement ID (GH-<AREA>-<n>)");
        var required = f.Bool("required");
        var kindText = f.Text("kind", maxLength: 10);
        QuestionKind? kind = kindText switch
        {
            null => null,
            "yes-no" => QuestionKind.YesNo,
            "choice" => QuestionKind.Choice,
            "text" => QuestionKind.Text,
            _ => null,
        };
        if (kindText is not null && kind is null) f.Error($"unknown kind '{kindText}' (expected yes-no, choice or text)");

        var options = new List<QuestionOption>();
        var optionList = f.Value("options", required: false);
        if (kind == QuestionKind.Text && optionList is not null) f.Error("a text item has no options (any answer scores info)");
        else if (kind is QuestionKind.YesNo or QuestionKind.Choice)
        {
            if (f.Sequence("options") is { } seq)
                foreach (var o in seq.Items)
                {
                    if (o is not YamlMapping om) { f.Error("each option must be a mapping with value and score", o.Line); continue; }
                    if (ParseOption(new YamlFields(om, $"{file}: {idText}: option", errors)) is { } option)
                    {
                        if (options.Any(x => string.Equals(x.Value, option.Value, StringComparison.OrdinalIgnoreCase))) f.Error($"option '{option.Value}' is listed twice", o.Line);
                        else options.Add(option);
                    }
                }
            var values = options.Select(o => o.Value).Order(StringComparer.Ordinal).ToList();
            if (kind == QuestionKind.YesNo && errors.Count == before && !values.SequenceEqual(["no", "yes"]))
                f.Error("a yes-no item must have exactly the options yes and no");
            if (kind == QuestionKind.Choice && errors.Count == before && options.Count < 2)
                f.Error("a choice item needs at least two options");
        }
        return errors.Count > before ? null : new QuestionnaireItem(id!, text!, requirement!, kind!.Value, required!.Value, options);
    }

    private static QuestionOption? ParseOption(YamlFields f)
    {
        f.RejectUnknownKeys("value", "label", "score", "message");
        var value = f.Text("value", maxLength: 64, singleLine: true);
        if (value is not null && !ValuePattern().IsMatch(value)) f.Error($"option value '{value}' must be lower-case letters, digits, '.' and '-'");
        var label = f.Text("label", required: false, maxLength: 200, singleLine: true);
        var scoreText = f.Text("score", maxLength: 10);
        QuestionScore? score = scoreText switch
        {
            null => null,
            "info" => QuestionScore.Info,
            "warn" => QuestionScore.Warn,
            "fail" => QuestionScore.Fail,
            _ => null,
        };
        if (scoreText is not null && score is null) f.Error($"unknown score '{scoreText}' (expected info, warn or fail)");
        var message = f.Text("message", required: false, maxLength: 500);
        if (score is QuestionScore.Warn or QuestionScore.Fail && message is null) f.Error($"an option scoring {scoreText} needs a message saying what to do");
        return value is null || score is null || (value is not null && !ValuePattern().IsMatch(value)) ? null : new QuestionOption(value!, label, score.Value, message);
    }

    [GeneratedRegex(@"^GH-[A-Z]{2,8}-[1-9][0-9]{0,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex RequirementPattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.\-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ValuePattern();
}
