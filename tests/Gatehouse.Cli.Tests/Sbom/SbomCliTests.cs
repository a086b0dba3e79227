using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Gatehouse.Cli.Tests.Sbom;

/// <summary>
/// <c>gatehouse sbom</c>, <c>gatehouse advisories import|status</c> and <c>check --advisories</c>, in process, over a
/// small app with an npm lockfile and a real OSV record (lodash, GHSA-p6mc-m468-83gw: fixed in 4.17.20).
/// </summary>
public sealed class SbomCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-sbom-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Data => Path.Combine(_dir, "data");

    private async Task<(int Code, string Out, string Err)> RunWith(Dictionary<string, string>? variables, params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        var env = new CliEnvironment
        {
            Out = o, Err = e, ConfigDirectory = Path.Combine(_dir, "config"), DataDirectory = Data, WorkingDirectory = _dir,
            Variables = variables ?? new Dictionary<string, string>(),
        };
        var code = await CliApp.RunAsync(args, env);
        return (code, o.ToString(), e.ToString());
    }

    private Task<(int Code, string Out, string Err)> Run(params string[] args) => RunWith(null, args);

    private const string Lockfile = """
        {
          "name": "shop", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
          "packages": {
            "": { "name": "shop", "version": "1.0.0", "dependencies": { "lodash": "4.17.19", "left-pad": "1.3.0" } },
            "node_modules/lodash": { "version": "4.17.19", "resolved": "https://npm-mirror.example/lodash/-/lodash-4.17.19.tgz" },
            "node_modules/left-pad": { "version": "1.3.0", "resolved": "https://npm-mirror.example/left-pad/-/left-pad-1.3.0.tgz" }
          }
        }
        """;

    // GHSA-p6mc-m468-83gw as the GitHub Advisory Database publishes it in OSV (details abridged).
    private const string Advisory = """
        {
          "schema_version": "1.4.0", "id": "GHSA-p6mc-m468-83gw", "modified": "2022-02-08T22:04:28Z", "published": "2020-07-15T19:15:48Z",
          "aliases": [ "CVE-2020-8203" ], "summary": "Prototype Pollution in lodash",
          "severity": [ { "type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H" } ],
          "affected": [ { "package": { "ecosystem": "npm", "name": "lodash" },
                          "ranges": [ { "type": "ECOSYSTEM", "events": [ { "introduced": "0" }, { "fixed": "4.17.20" } ] } ] } ]
        }
        """;

    private string App()
    {
        var path = Path.Combine(_dir, "shop app.zip");
        if (File.Exists(path)) return path;
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var s = zip.CreateEntry("shop/package-lock.json").Open()) s.Write(Encoding.UTF8.GetBytes(Lockfile));
        using (var s = zip.CreateEntry("shop/index.js").Open()) s.Write("module.exports = 1;\n"u8);
        return path;
    }

    private string Osv()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "osv")).FullName;
        File.WriteAllText(Path.Combine(dir, "GHSA-p6mc-m468-83gw.json"), Advisory);
        File.WriteAllText(Path.Combine(dir, "broken.json"), "{ \"id\": ");
        return dir;
    }

    [Fact]
    public async Task Sbom_without_a_store_writes_the_packages_and_says_advisories_were_not_matched()
    {
        var r = await Run("sbom", App());
        Assert.Equal(0, r.Code);
        var bom = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal("1.6", bom.GetProperty("specVersion").GetString());
        Assert.Equal("shop app.zip", bom.GetProperty("metadata").GetProperty("component").GetProperty("name").GetString());
        var purls = bom.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("purl").GetString()).ToList();
        Assert.Equal(["pkg:npm/left-pad@1.3.0", "pkg:npm/lodash@4.17.19"], purls);
        Assert.False(bom.TryGetProperty("vulnerabilities", out _));
        Assert.Single(r.Err.Split('\n'), l => l.StartsWith("vulnerabilities: no advisory store", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sbom_writes_to_a_file_with_output_and_refuses_a_missing_artifact_or_a_named_store_that_does_not_exist()
    {
        var output = Path.Combine(_dir, "bom.json");
        var r = await Run("sbom", App(), "--output", output, "--type", "web");
        Assert.Equal(0, r.Code);
        Assert.Equal("", r.Out);
        Assert.Equal(2, JsonDocument.Parse(File.ReadAllBytes(output)).RootElement.GetProperty("components").GetArrayLength());
        Assert.Equal(2, (await Run("sbom", Path.Combine(_dir, "nope.zip"))).Code);
        var missingStore = await Run("sbom", App(), "--advisories", Path.Combine(_dir, "nowhere"));
        Assert.Equal(2, missingStore.Code);
        Assert.Contains("cli.invalid-argument", missingStore.Err, StringComparison.Ordinal);
        Assert.Equal(2, (await RunWith(new() { ["GATEHOUSE_ADVISORIES"] = "nowhere" }, "check", App(), "--clamd", "off")).Code);
        Assert.Equal(2, (await Run("sbom", App(), "--format", "spdx")).Code);
    }

    [Fact]
    public async Task Imported_advisories_are_matched_by_sbom_and_check_and_shown_by_status()
    {
        Assert.Equal(2, (await Run("advisories", "status")).Code); // no store yet
        Assert.Equal(2, (await Run("advisories", "import", Path.Combine(_dir, "missing.zip"))).Code);

        var import = await Run("advisories", "import", Osv(), "--format", "json");
        Assert.Equal(0, import.Code);
        var summary = JsonDocument.Parse(import.Out).RootElement;
        Assert.Equal(Path.Combine(Data, "advisories"), summary.GetProperty("store").GetString()); // the default: the CLI's data folder
        Assert.Equal((1, 1), (summary.GetProperty("added").GetInt64(), summary.GetProperty("invalid").GetInt64()));

        var again = await Run("advisories", "import", Osv());
        Assert.Equal(0, again.Code);
        Assert.Contains("added 0, updated 0, skipped 1, invalid 1", again.Out, StringComparison.Ordinal);

        var status = await Run("advisories", "status", "--format", "json");
        Assert.Equal(0, status.Code);
        var npm = Assert.Single(JsonDocument.Parse(status.Out).RootElement.GetProperty("ecosystems").EnumerateArray());
        Assert.Equal(("npm", 1), (npm.GetProperty("ecosystem").GetString(), npm.GetProperty("advisories").GetInt64()));
        Assert.Equal(new DateTimeOffset(2022, 2, 8, 22, 4, 28, TimeSpan.Zero), npm.GetProperty("newestModified").GetDateTimeOffset());
        Assert.Contains("npm", (await Run("advisories", "status")).Out, StringComparison.Ordinal);

        var sbom = await Run("sbom", App());
        Assert.Equal(0, sbom.Code);
        Assert.DoesNotContain("no advisory store", sbom.Err, StringComparison.Ordinal);
        var vulnerability = Assert.Single(JsonDocument.Parse(sbom.Out).RootElement.GetProperty("vulnerabilities").EnumerateArray());
        Assert.Equal("GHSA-p6mc-m468-83gw", vulnerability.GetProperty("id").GetString());
        Assert.Equal("pkg:npm/lodash@4.17.19", vulnerability.GetProperty("affects")[0].GetProperty("ref").GetString());
        Assert.Contains("4.17.20", vulnerability.GetProperty("recommendation").GetString(), StringComparison.Ordinal);

        var check = await Run("check", App(), "--clamd", "off", "--format", "json");
        var findings = JsonDocument.Parse(check.Out).RootElement.GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("ruleId").GetString()!.StartsWith("vuln.", StringComparison.Ordinal)).ToList();
        var finding = Assert.Single(findings);
        Assert.Contains("GHSA-p6mc-m468-83gw", finding.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
