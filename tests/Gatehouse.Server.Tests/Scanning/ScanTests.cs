using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;

namespace Gatehouse.Server.Tests.Scanning;

/// <summary>
/// An uploaded artifact is scanned by the engine in a background job, and the stored report is the one
/// <c>gatehouse check</c> prints for the same file (gate parity).
/// </summary>
public sealed class ScanTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private static Dictionary<string, string?> Engines() => new()
    {
        ["Scanning:ClamdEndpoint"] = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_CLAMD")
            ?? throw new InvalidOperationException("GATEHOUSE_TEST_CLAMD is not set; ./test.sh starts clamd and sets it."),
    };

    /// <summary>A small app whose config file carries a (generated) AWS key id.</summary>
    private static byte[] AppWithLeakedKey()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var w = new StreamWriter(zip.CreateEntry("config/settings.ini").Open()))
                w.Write("[aws]\nregion = eu-west-1\naccess_key_id = AKIA" + "Z7Q4MBX2LK7PW3RT" + "\n");
            using (var w = new StreamWriter(zip.CreateEntry("README.md").Open()))
                w.Write("# Demo app\nNothing to see.\n");
        }
        return ms.ToArray();
    }

    private static async Task<JsonElement> WaitForScanAsync(HttpClient client, string location)
    {
        for (var i = 0; i < 300; i++)
        {
            var scan = await client.GetFromJsonAsync<JsonElement>(location);
            if (scan.GetProperty("scan").GetProperty("state").GetString() is "done" or "failed") return scan;
            await Task.Delay(100);
        }
        throw new TimeoutException("scan did not finish within 30 s");
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task An_uploaded_artifact_is_scanned_in_a_job_and_its_report_matches_gatehouse_check(DbKind db)
    {
        var app = await servers.For(db, Engines());
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        using var client = app.ClientWith(token);
        var bytes = AppWithLeakedKey();

        var upload = await client.PostAsync($"/api/orgs/{org.Id}/scans?name=demo-app.zip&type=downloadable",
            new ByteArrayContent(bytes) { Headers = { ContentType = new("application/octet-stream") } });
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var scan = await WaitForScanAsync(client, upload.Headers.Location!.OriginalString);
        Assert.Equal("done", scan.GetProperty("scan").GetProperty("state").GetString());
        var report = scan.GetProperty("report");
        Assert.Equal("reject", report.GetProperty("verdict").GetString());
        var serverFindings = report.GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("ruleId").GetString(), f.GetProperty("path").GetString(), f.GetProperty("fingerprint").GetString())).ToList();
        Assert.Contains(serverFindings, f => f.Item1 == "secret.aws-access-key-id" && f.Item2 == "demo-app.zip!/config/settings.ini");
        Assert.DoesNotContain("Z7Q4MBX2LK7PW3RT", report.GetRawText(), StringComparison.Ordinal);

        // Gate parity: the CLI on the same bytes reports the same verdict and the same fingerprints.
        var dir = Directory.CreateTempSubdirectory("gatehouse-parity-").FullName;
        try
        {
            var file = Path.Combine(dir, "demo-app.zip");
            await File.WriteAllBytesAsync(file, bytes);
            // The same advisory store as the server's (Advisories:Path, default {DataDirectory}/advisories).
            var cli = await CliRunner.RunAsync(app, null, "check", file, "--format", "json", "--clamd", Engines()["Scanning:ClamdEndpoint"]!,
                "--advisories", Path.Combine(app.DataDirectory, "advisories"));
            Assert.Equal(1, cli.ExitCode);
            var local = JsonDocument.Parse(cli.Out).RootElement;
            Assert.Equal(report.GetProperty("verdict").GetString(), local.GetProperty("verdict").GetString());
            Assert.Equal(serverFindings, local.GetProperty("findings").EnumerateArray()
                .Select(f => (f.GetProperty("ruleId").GetString(), f.GetProperty("path").GetString(), f.GetProperty("fingerprint").GetString())).ToList());
            static List<string> Runs(JsonElement r) => r.GetProperty("analyzers").EnumerateArray()
                .Select(a => $"{a.GetProperty("id").GetString()}@{a.GetProperty("version").GetString()}:{a.GetProperty("status").GetString()}").ToList();
            Assert.Equal(Runs(report), Runs(local));
            Assert.Contains("malware.clamav@1.0.0:ok", Runs(local));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        var findings = await client.GetFromJsonAsync<JsonElement>($"/api/scans/{scan.GetProperty("scan").GetProperty("id").GetString()}/findings");
        Assert.Equal(serverFindings.Count, findings.GetArrayLength());
        var sarif = await client.GetAsync($"/api/scans/{scan.GetProperty("scan").GetProperty("id").GetString()}/sarif");
        Assert.Equal("application/sarif+json", sarif.Content.Headers.ContentType!.MediaType);
        Assert.Equal("2.1.0", (await sarif.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetString());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Without_a_reachable_clamd_the_scan_is_incomplete_never_a_pass(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db, new Dictionary<string, string?> { ["Scanning:ClamdEndpoint"] = "tcp://127.0.0.1:1" });
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        using var client = app.ClientWith(token);
        var upload = await client.PostAsync($"/api/orgs/{org.Id}/scans?name=readme.txt",
            new StringContent("just a harmless text file\n", Encoding.UTF8, "application/octet-stream"));
        var scan = await WaitForScanAsync(client, upload.Headers.Location!.OriginalString);
        Assert.Equal("incomplete", scan.GetProperty("report").GetProperty("verdict").GetString());
        Assert.Equal("incomplete", scan.GetProperty("scan").GetProperty("verdict").GetString());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task An_empty_upload_is_refused(DbKind db)
    {
        var app = await servers.For(db, Engines());
        var (dev, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        using var client = app.ClientWith(token);
        var upload = await client.PostAsync($"/api/orgs/{org.Id}/scans?name=empty.bin", new ByteArrayContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
    }
}
