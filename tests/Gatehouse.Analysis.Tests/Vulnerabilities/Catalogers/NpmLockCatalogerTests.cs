using System.Text;
using Gatehouse.Analysis.Vulnerabilities.Catalogers;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Catalogers;

public sealed class NpmLockCatalogerTests
{
    private static IReadOnlyList<Gatehouse.Analysis.Vulnerabilities.Packages.CatalogedPackage> Parse(string json, out string? problem) =>
        NpmLockCataloger.Parse(Encoding.UTF8.GetBytes(json), "app.tgz!/package/package-lock.json", out problem);

    [Fact]
    public void Lockfile_v3_lists_installed_packages_with_scopes_nesting_and_aliases_but_not_dev_or_links()
    {
        const string lockfile = """
            {
              "name": "acme-app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
              "packages": {
                "": { "name": "acme-app", "version": "1.0.0", "dependencies": { "express": "^4.18.2" } },
                "node_modules/express": { "version": "4.18.2", "resolved": "https://registry.example/express/-/express-4.18.2.tgz", "integrity": "sha512-x" },
                "node_modules/@babel/core": { "version": "7.24.0" },
                "node_modules/express/node_modules/debug": { "version": "2.6.9" },
                "node_modules/debug": { "version": "4.3.4" },
                "node_modules/lodash-legacy": { "name": "lodash", "version": "3.10.1" },
                "node_modules/jest": { "version": "29.7.0", "dev": true },
                "node_modules/shared-ui": { "resolved": "packages/shared-ui", "link": true },
                "packages/shared-ui": { "version": "0.1.0" }
              }
            }
            """;

        var packages = Parse(lockfile, out var problem);

        Assert.Null(problem);
        Assert.Equal(
            ["pkg:npm/%40babel/core@7.24.0", "pkg:npm/debug@2.6.9", "pkg:npm/debug@4.3.4", "pkg:npm/express@4.18.2", "pkg:npm/lodash@3.10.1"],
            packages.Select(p => p.Purl.ToString()).Order(StringComparer.Ordinal));
        Assert.All(packages, p => Assert.Equal(("npm", "app.tgz!/package/package-lock.json"), (p.Ecosystem, p.DeclaredIn)));
    }

    [Fact]
    public void Lockfile_v1_is_walked_through_its_nested_dependencies()
    {
        const string lockfile = """
            {
              "name": "old-app", "version": "0.1.0", "lockfileVersion": 1,
              "dependencies": {
                "minimist": { "version": "0.0.8" },
                "mkdirp": { "version": "0.5.1", "requires": { "minimist": "0.0.8" },
                  "dependencies": { "minimist": { "version": "1.2.0" } } },
                "mocha": { "version": "5.2.0", "dev": true },
                "aliased": { "version": "npm:left-pad@1.3.0" },
                "from-git": { "version": "github:user/repo#abc123" }
              }
            }
            """;

        var packages = Parse(lockfile, out _);

        Assert.Equal(["minimist 0.0.8", "minimist 1.2.0", "mkdirp 0.5.1"], packages.Select(p => $"{p.Name} {p.Version}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"lockfileVersion\": 3}", "neither")]
    [InlineData("{\"packages\": {\"node_modules/a\": {\"version\": \"1\"}", "not valid JSON")]
    public void Malformed_lockfiles_give_no_packages_and_a_reason(string json, string reason)
    {
        var packages = Parse(json, out var problem);

        Assert.Empty(packages);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_refused_not_followed()
    {
        var deep = new StringBuilder("{\"dependencies\":");
        for (var i = 0; i < 300; i++) deep.Append("{\"a\":{\"version\":\"1.0.0\",\"dependencies\":");
        deep.Append("{}").Append('}', 600).Append('}');

        var packages = Parse(deep.ToString(), out var problem);

        Assert.Empty(packages);
        Assert.Contains("not valid JSON", problem, StringComparison.Ordinal);
    }
}
