using Gatehouse.Analysis.Tests.Requirements;
using Gatehouse.Analysis.Vulnerabilities.Osv;

namespace Gatehouse.Analysis.Tests.Vulnerabilities;

/// <summary>The real OSV records under tests/…/Vulnerabilities/data/osv.</summary>
internal static class OsvTestData
{
    public static string Folder => RepoFiles.Path("tests", "Gatehouse.Analysis.Tests", "Vulnerabilities", "data", "osv");

    public static OsvRecord Load(string id)
    {
        var result = OsvParser.Parse(File.ReadAllBytes(Path.Combine(Folder, id + ".json")));
        Assert.True(result.Success, result.Error?.Message);
        return result.Record;
    }
}
