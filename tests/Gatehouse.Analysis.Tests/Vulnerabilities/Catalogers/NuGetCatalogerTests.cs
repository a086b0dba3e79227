using System.Text;
using Gatehouse.Analysis.Vulnerabilities.Catalogers;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Catalogers;

public sealed class NuGetCatalogerTests
{
    [Fact]
    public void The_test_assemblys_own_deps_json_lists_its_packages_and_not_its_projects()
    {
        // A real deps.json, written by the .NET SDK for this very test project.
        var path = Path.Combine(AppContext.BaseDirectory, "Gatehouse.Analysis.Tests.deps.json");

        var packages = NuGetCataloger.Parse(File.ReadAllBytes(path), "Gatehouse.Analysis.Tests.deps.json", out var problem);

        Assert.Null(problem);
        Assert.Contains(packages, p => p.Purl.ToString() == "pkg:nuget/BouncyCastle.Cryptography@2.7.0");
        Assert.Contains(packages, p => p.Name == "xunit.assert");
        Assert.DoesNotContain(packages, p => p.Name.StartsWith("Gatehouse.", StringComparison.Ordinal)); // projects, not packages
        Assert.All(packages, p => Assert.Equal("NuGet", p.Ecosystem));
    }

    [Fact]
    public void Packages_lock_json_lists_resolved_versions_once_across_frameworks_and_skips_projects()
    {
        const string lockfile = """
            {
              "version": 1,
              "dependencies": {
                "net8.0": {
                  "Newtonsoft.Json": { "type": "Direct", "requested": "[13.0.3, )", "resolved": "13.0.3", "contentHash": "x" },
                  "System.Text.Encodings.Web": { "type": "Transitive", "resolved": "4.7.2" },
                  "Acme.Shared": { "type": "Project", "dependencies": { "Newtonsoft.Json": "[13.0.3, )" } }
                },
                "net10.0": {
                  "Newtonsoft.Json": { "type": "Direct", "requested": "[13.0.3, )", "resolved": "13.0.3" }
                }
              }
            }
            """;

        var packages = NuGetCataloger.Parse(Encoding.UTF8.GetBytes(lockfile), "src/App/packages.lock.json", out var problem);

        Assert.Null(problem);
        Assert.Equal(["pkg:nuget/Newtonsoft.Json@13.0.3", "pkg:nuget/System.Text.Encodings.Web@4.7.2"], packages.Select(p => p.Purl.ToString()));
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("{\"runtimeTarget\": {}}", "neither")]
    [InlineData("\"text\"", "not a JSON object")]
    public void Files_that_are_not_ours_give_no_packages_and_a_reason(string json, string reason)
    {
        var packages = NuGetCataloger.Parse(Encoding.UTF8.GetBytes(json), "x.deps.json", out var problem);

        Assert.Empty(packages);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app/bin/Acme.App.deps.json", true)]
    [InlineData("packages.lock.json", true)]
    [InlineData("docs/packages.lock.json.md", false)]
    [InlineData("package-lock.json", false)]
    public void Handles_the_files_it_reads(string path, bool handles) => Assert.Equal(handles, NuGetCataloger.Handles(path));
}
