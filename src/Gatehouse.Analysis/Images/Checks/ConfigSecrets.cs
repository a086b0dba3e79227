using System.Text;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Analyzers.Secrets;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Images.Checks;

/// <summary>
/// Secrets in the image config: ENV defaults, labels and history lines (the Dockerfile instructions with their build
/// arguments). Each value runs through the engine's own secret rules (<see cref="SecretScan"/>, the code the <c>secrets</c>
/// analyzer runs on files), and a <c>NAME=value</c> pair whose name says password, secret, token or API key with a value
/// that is no placeholder is reported too: in a config the name alone is evidence enough (Trivy's image-config secret scan
/// and Docker Scout both flag them). Findings carry redacted evidence only.
/// </summary>
internal sealed partial class ConfigSecrets(SecretRuleSet rules, string root, Action<Finding> report)
{
    /// <summary>ENV values and labels longer than this are cut before the scan (a config is at most a few MiB).</summary>
    private const int MaxValueChars = 64 << 10;

    public async Task ScanEnvAsync(IReadOnlyList<string> env, CancellationToken ct)
    {
        foreach (var entry in env)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? entry : entry[..eq];
            var value = eq < 0 ? "" : entry[(eq + 1)..];
            var path = $"{root}!/config/Env/{name}";
            await ScanPairAsync(ImageCheckRules.SecretInEnv, path, $"ENV {name}", name, value, ct).ConfigureAwait(false);
        }
    }

    public async Task ScanLabelsAsync(IReadOnlyDictionary<string, string> labels, CancellationToken ct)
    {
        foreach (var (name, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            var path = $"{root}!/config/Labels/{name}";
            await ScanPairAsync(ImageCheckRules.SecretInLabel, path, $"label {name}", name, value, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// History lines. An <c>ENV</c> or <c>LABEL</c> line repeats a value the config still has; that value is reported once,
    /// as ENV or label, so it is cut from the line first (a value a later ENV replaced stays, and is reported here).
    /// </summary>
    public async Task ScanHistoryAsync(ImageConfig config, CancellationToken ct)
    {
        var current = config.Env.Where(e => e.Contains('=', StringComparison.Ordinal))
            .Concat(config.Labels.Select(l => $"{l.Key}={l.Value}"))
            .Where(p => p.Length > 2)
            .ToList();
        for (var i = 0; i < config.History.Count; i++)
        {
            var text = config.History[i].CreatedBy;
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (IsEnvOrLabel().IsMatch(text))
            {
                foreach (var pair in current)
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    text = text.Replace(pair, " ", StringComparison.Ordinal)
                        .Replace($"{pair[..eq]}=\"{pair[(eq + 1)..]}\"", " ", StringComparison.Ordinal);
                }
            }
            var shown = $"{root}!/config/history/{i}";
            // The fingerprint's place is "the history", not its index: a base image with one more step must not
            // turn a suppressed finding into a new one.
            var place = $"{root}!/config/history";
            var found = await RunRulesAsync(ImageCheckRules.SecretInHistory, place, shown, $"history entry {i}", text, ct).ConfigureAwait(false);
            foreach (Match m in Assignment().Matches(text))
            {
                var name = m.Groups["name"].Value;
                var value = m.Groups["value"].Value.Trim('"', '\'');
                if (found.Any(e => value.Contains(e.Tail, StringComparison.Ordinal))) continue;
                ReportAssignment(ImageCheckRules.SecretInHistory, place, shown, $"history entry {i}", name, value);
            }
        }
    }

    private async Task ScanPairAsync(RuleDescriptor rule, string path, string where, string name, string value, CancellationToken ct)
    {
        if (value.Length > MaxValueChars) value = value[..MaxValueChars];
        var found = await RunRulesAsync(rule, path, path, where, $"{name}={value}\n", ct).ConfigureAwait(false);
        if (found.Count == 0) ReportAssignment(rule, path, path, where, name, value);
    }

    /// <summary>Runs the secret rules on <paramref name="text"/>; reports each match as <paramref name="rule"/>.</summary>
    private async Task<List<(string RuleId, string Tail)>> RunRulesAsync(RuleDescriptor rule, string place, string shown, string where, string text, CancellationToken ct)
    {
        var found = new List<(string, string)>();
        // The scan's file name is neutral: a variable called TEST_TOKEN must not make the value "test data".
        var scan = new SecretScan(rules, place, "config", inner =>
        {
            var evidence = inner.Evidence ?? SecretText.Redacted;
            found.Add((inner.RuleId, evidence.Contains('…', StringComparison.Ordinal) ? evidence[^4..] : "\0"));
            report(new Finding(rule.Id, inner.Severity, shown,
                $"{rule.Title}: {where} holds what the {inner.RuleId} rule matches ({Title(inner)})",
                Fingerprints.Of(rule.Id, place, inner.RuleId, inner.Fingerprint))
            {
                RequirementId = rule.RequirementId,
                Evidence = $"{inner.RuleId}: {evidence}",
            });
        });
        var bytes = Encoding.UTF8.GetBytes(text);
        using var stream = new MemoryStream(bytes, writable: false);
        await scan.RunAsync(stream, bytes.Length, ct).ConfigureAwait(false);
        return found;
    }

    private static string Title(Finding inner)
    {
        var i = inner.Message.IndexOf(" in ", StringComparison.Ordinal);
        return i < 0 ? inner.Message : inner.Message[..i];
    }

    private void ReportAssignment(RuleDescriptor rule, string place, string shown, string where, string name, string value)
    {
        if (!IsCredentialName(name) || IsPlaceholder(value)) return;
        report(new Finding(rule.Id, Severity.Medium, shown,
            $"{rule.Title}: {where} sets {name} to a value that is no placeholder",
            Fingerprints.Of(rule.Id, place, name, SecretText.Sha256Hex(value)))
        {
            RequirementId = rule.RequirementId,
            Evidence = $"{name}={SecretText.Redact(value)}",
        });
    }

    /// <summary>A variable name that says it holds a credential (and not its file, length, lifetime, ...).</summary>
    internal static bool IsCredentialName(string name) => CredentialName().IsMatch(name) && !NotACredential().IsMatch(name);

    /// <summary>Empty, a reference (<c>$X</c>, <c>${X}</c>, <c>{{x}}</c>, <c>&lt;x&gt;</c>), a path, a URL, a switch or a well-known placeholder word.</summary>
    internal static bool IsPlaceholder(string value)
    {
        var v = value.Trim().Trim('"', '\'');
        if (v.Length < 4) return true;
        if (v[0] is '$' or '<' or '/' or '~' or '.' || v.StartsWith("{{", StringComparison.Ordinal) || v.StartsWith("%", StringComparison.Ordinal)) return true;
        if (v.Contains("://", StringComparison.Ordinal)) return true; // a URL's credentials are the url-credentials rules' job
        if (v.All(c => c == v[0])) return true;
        return PlaceholderWord().IsMatch(v);
    }

    [GeneratedRegex(@"(?i)password|passwd|passphrase|secret|token|api[_.\-]?key|apikey|access[_.\-]?key|private[_.\-]?key|auth[_.\-]?key|credential|(?:^|[_.\-])pwd$")]
    private static partial Regex CredentialName();

    [GeneratedRegex(@"(?i)(?:[_.\-](?:file|path|dir|url|uri|id|name|type|length|len|size|ttl|timeout|expiry|expires|lifetime|header|version|enabled|required|min|max|policy|prefix|endpoint|host|port|user|username|env|var|location|mode)|^(?:pwd|oldpwd))$")]
    private static partial Regex NotACredential();

    [GeneratedRegex(@"(?i)^(?:changeme|change[_\-]?me|changeit|example|sample|dummy|placeholder|none|null|nil|undefined|unset|empty|secret|password|passwd|token|yes|no|true|false|on|off|enabled|disabled|default|required|todo|tbd|fixme|redacted|hidden|test|xxx+|\*+|replace[_\-]?me|your[_\-].*|my[_\-]?(?:password|secret|token)|insert[_\-].*|set[_\-]?me)$")]
    private static partial Regex PlaceholderWord();

    [GeneratedRegex(@"(?i)(?:^|\s)(?:/bin/sh -c #\(nop\)\s+)?(?:ENV|LABEL)\s")]
    private static partial Regex IsEnvOrLabel();

    /// <summary>A <c>NAME=value</c> word in a history line (build arguments <c>|2 A=b C=d</c>, <c>ENV A=b</c>, <c>export A=b</c>).</summary>
    [GeneratedRegex(@"(?<![\w$.\-])(?<name>[A-Za-z_][A-Za-z0-9_.\-]{0,100})=(?<value>""[^""\n]{1,512}""|'[^'\n]{1,512}'|[^\s;&|'""]{1,512})")]
    private static partial Regex Assignment();
}
