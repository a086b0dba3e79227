using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Analysis.Vulnerabilities.Osv;
using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Analysis.Vulnerabilities.Sbom;
using Gatehouse.Analysis.Vulnerabilities.Versions;
using Gatehouse.Analysis.Vulnerabilities.Vex;

namespace Gatehouse.Fuzz;

/// <summary>
/// The document parsers: OSV records (advisory imports), CycloneDX SBOMs and VEX documents (vendor uploads), package URLs,
/// questionnaire definitions and answers, and policy files. Each returns an error result or throws only its own exception
/// type (named per harness); anything else is a crash.
/// </summary>
internal static class DocumentHarness
{
    /// <summary><c>OsvParser.Parse</c> (errors are results: nothing throws), then range evaluation for each affected package.</summary>
    public static void Osv(byte[] data)
    {
        var result = OsvParser.Parse(data);
        if (result.Record is not { } record) return;
        foreach (var affected in record.Affected)
        {
            if (affected.Package is not { } package) continue;
            var scheme = AdvisoryEcosystems.SchemeFor(package.Ecosystem) ?? SemVer2VersionScheme.Instance;
            foreach (var version in (string[])["0", "1.0.0", "2.3.4-rc.1", "1:1.2-3", "v0.0.0-20210101000000-abcdef123456"])
                OsvRangeEvaluator.Evaluate(record, package.Ecosystem, package.Name, version, scheme);
        }
    }

    /// <summary><c>CycloneDxReader.Read</c>: errors are results.</summary>
    public static void CycloneDx(byte[] data) => CycloneDxReader.Read(data);

    /// <summary><c>VexDocument.Parse</c>: errors are results.</summary>
    public static void Vex(byte[] data) => VexDocument.Parse(data);

    /// <summary><c>PackageUrl.TryParse</c> and, for a valid one, its canonical form parsed again (must round-trip without throwing).</summary>
    public static void Purl(byte[] data)
    {
        if (PackageUrl.TryParse(Encoding.UTF8.GetString(data), out var purl, out _))
            PackageUrl.TryParse(purl.ToString(), out _, out _);
    }

    /// <summary><c>QuestionnaireParser.Parse</c>: errors go to the list.</summary>
    public static void Questionnaire(byte[] data) =>
        QuestionnaireParser.Parse("fuzz.yaml", Encoding.UTF8.GetString(data), QuestionnaireSet.MaxFileBytes, QuestionnaireSet.MaxItems, []);

    /// <summary><c>QuestionnaireAnswers.ReadAsync</c> (<see cref="AnswersFormatException"/>), then scored against every bundled questionnaire.</summary>
    public static void Answers(byte[] data)
    {
        IReadOnlyDictionary<string, string> answers;
        try
        {
            using var s = new MemoryStream(data, writable: false);
            answers = QuestionnaireAnswers.ReadAsync(s).GetAwaiter().GetResult();
        }
        catch (AnswersFormatException)
        {
            return;
        }
        foreach (var q in QuestionnaireSet.LoadEmbedded().All) QuestionnaireScorer.Score(q, answers);
    }

    /// <summary><c>PolicyFile.Parse</c> (<see cref="JsonException"/>; the server's listing policy reads its analysis section the same way).</summary>
    public static void Policy(byte[] data)
    {
        try
        {
            PolicyFile.Parse(Encoding.UTF8.GetString(data));
        }
        catch (JsonException)
        {
        }
    }
}
