using System.Globalization;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Tests.Requirements;
using Gatehouse.Analysis.Vulnerabilities.Matching;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Matching;

public sealed class CvssTests
{
    private static string Data(string file) => RepoFiles.Path("tests", "Gatehouse.Analysis.Tests", "Vulnerabilities", "data", "cvss", file);

    // Published pairs: NVD's base scores for these CVEs (the advisories in data/osv carry the same vectors).
    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0)] // CVE-2021-44228 (Log4Shell)
    [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", 6.1)] // CVE-2023-32681 (requests)
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5)] // CVE-2023-39325 (golang.org/x/net)
    [InlineData("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H", 7.4)] // CVE-2020-8203 (lodash)
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)] // CVE-2017-5638 (Struts 2)
    [InlineData("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)] // CVE-2017-5638 as NVD first scored it (v3.0)
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3)] // FIRST v4.0 examples
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0)]
    public void Scores_published_vectors(string vector, double expected)
    {
        Assert.True(Cvss.TryParse(vector, out var score));
        Assert.Equal(expected, score.BaseScore);
        Assert.Equal(vector, score.Vector);
        Assert.Equal(vector[5..8], score.Version);
    }

    [Theory]
    [InlineData("v4.0-simple.txt")]
    [InlineData("v4.0-threat.txt")]
    [InlineData("v4.0-security.txt")]
    [InlineData("v4.0-supplemental.txt")]
    [InlineData("v3.1-simple.txt")]
    [InlineData("v3.0-simple.txt")]
    public void Scores_every_reference_vector_as_the_reference_calculators_do(string file)
    {
        var wrong = new List<string>();
        var lines = File.ReadAllLines(Data(file)).Where(l => l.Contains(" - ", StringComparison.Ordinal)).ToList();
        foreach (var line in lines)
        {
            var (vector, rest) = (line[..line.IndexOf(" - ", StringComparison.Ordinal)], line[(line.IndexOf(" - ", StringComparison.Ordinal) + 3)..]);
            var expected = double.Parse(rest.Trim('(', ')', ' ').Split(',')[0], CultureInfo.InvariantCulture);
            if (!Cvss.TryParse(vector, out var score)) wrong.Add($"{vector}: not parsed");
            else if (score.BaseScore != expected) wrong.Add($"{vector}: {score.BaseScore}, expected {expected}");
        }
        Assert.True(lines.Count > 5, "no vectors read");
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {lines.Count} wrong:\n" + string.Join('\n', wrong.Take(20)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P")] // v2 is not scored
    [InlineData("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")] // no prefix
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H")] // A missing
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L")] // A twice
    [InlineData("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")] // unknown value
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:N")] // unknown metric
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/")] // empty part
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N")] // SA missing
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N")] // S only for MSI/MSA
    public void Refuses_what_is_not_a_complete_vector(string vector)
    {
        Assert.False(Cvss.TryParse(vector, out _));
    }

    [Fact]
    public void Refuses_oversized_vectors_unread()
    {
        Assert.False(Cvss.TryParse("CVSS:3.1/" + new string('A', 100_000), out _));
    }

    [Theory]
    [InlineData(10.0, Severity.Critical)]
    [InlineData(9.0, Severity.Critical)]
    [InlineData(8.9, Severity.High)]
    [InlineData(7.0, Severity.High)]
    [InlineData(6.9, Severity.Medium)]
    [InlineData(4.0, Severity.Medium)]
    [InlineData(3.9, Severity.Low)]
    [InlineData(0.1, Severity.Low)]
    [InlineData(0.0, Severity.Info)]
    public void Maps_scores_to_the_qualitative_bands(double score, Severity expected)
    {
        Assert.Equal(expected, Cvss.SeverityOf(score));
    }
}
