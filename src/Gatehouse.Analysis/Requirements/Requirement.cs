using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gatehouse.Analysis.Requirements;

/// <summary>
/// One security requirement of the catalogue (<c>rules/requirements/*.yaml</c>). Its content is fixed
/// for an (<see cref="Id"/>, <see cref="Version"/>) pair: <see cref="Digest"/> proves which text a
/// report was judged by.
/// </summary>
/// <param name="Id">Stable ID, <c>GH-&lt;AREA&gt;-&lt;n&gt;</c>.</param>
/// <param name="Area">The AREA part of the ID, e.g. <c>TLS</c>.</param>
/// <param name="AreaTitle">The area's heading, e.g. "Transport security".</param>
/// <param name="Title">One line.</param>
/// <param name="Why">Why it matters.</param>
/// <param name="How">How to comply.</param>
/// <param name="AppliesTo">App types (<see cref="AppTypes"/>).</param>
/// <param name="Severity"><c>critical</c>, <c>high</c>, <c>medium</c> or <c>low</c>.</param>
/// <param name="VerifiedBy">Engine rules, planned rules, questionnaire items and evidence types that verify it.</param>
/// <param name="Version">Bumped whenever the content changes.</param>
/// <param name="Effective">The date this version applies from.</param>
public sealed record Requirement(
    string Id, string Area, string AreaTitle, string Title, string Why, string How,
    IReadOnlyList<string> AppliesTo, string Severity, RequirementVerification VerifiedBy, int Version, DateOnly Effective)
{
    /// <summary><c>sha256:</c> + hex of the canonical JSON of the content (see <see cref="CanonicalJson"/>).</summary>
    public string Digest => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(CanonicalJson()));

    /// <summary>True when <paramref name="appType"/> is among <see cref="AppliesTo"/>.</summary>
    public bool AppliesToType(string appType) => AppliesTo.Contains(appType, StringComparer.Ordinal);

    /// <summary>
    /// The content as compact UTF-8 JSON (escaping only what JSON requires) with a fixed key order and sorted lists: id, title, why, how,
    /// appliesTo, severity, verifiedBy (rules, plannedRules, questions, evidence), effective. The
    /// version is left out (the digest is recorded per version) and so is the area title (a heading,
    /// not content). Reordering a list is not a change; editing any text is.
    /// </summary>
    public byte[] CanonicalJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("id", Id);
            w.WriteString("title", Title);
            w.WriteString("why", Why);
            w.WriteString("how", How);
            WriteList(w, "appliesTo", AppliesTo);
            w.WriteString("severity", Severity);
            w.WriteStartObject("verifiedBy");
            WriteList(w, "rules", VerifiedBy.Rules);
            WriteList(w, "plannedRules", VerifiedBy.PlannedRules);
            WriteList(w, "questions", VerifiedBy.Questions);
            WriteList(w, "evidence", VerifiedBy.Evidence);
            w.WriteEndObject();
            w.WriteString("effective", Effective.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteList(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values.Order(StringComparer.Ordinal)) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>Human-readable canonical form, for error messages and debugging.</summary>
    public string CanonicalText() => Encoding.UTF8.GetString(CanonicalJson());
}

/// <summary>How a requirement is verified.</summary>
/// <param name="Rules">Engine rule IDs (<c>archive.bomb</c>) or whole families (<c>secret.*</c>) that exist today.</param>
/// <param name="PlannedRules">Rules of later issues (<c>probe.hsts</c>), with a prefix from <see cref="RequirementCatalog.PlannedRulePrefixes"/>.</param>
/// <param name="Questions">Questionnaire item IDs (<c>Q-WEB-3</c>).</param>
/// <param name="Evidence">Evidence types (<see cref="EvidenceTypes"/>).</param>
public sealed record RequirementVerification(
    IReadOnlyList<string> Rules, IReadOnlyList<string> PlannedRules, IReadOnlyList<string> Questions, IReadOnlyList<string> Evidence)
{
    /// <summary>True when <paramref name="ruleId"/> is listed in <see cref="Rules"/>, directly or by a <c>family.*</c> entry.</summary>
    public bool CoversRule(string ruleId) =>
        Rules.Any(r => r.EndsWith(".*", StringComparison.Ordinal)
            ? ruleId.StartsWith(r[..^1], StringComparison.Ordinal)
            : string.Equals(r, ruleId, StringComparison.Ordinal));
}
