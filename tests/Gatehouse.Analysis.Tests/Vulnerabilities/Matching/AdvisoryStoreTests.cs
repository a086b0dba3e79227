using System.IO.Compression;
using System.Text;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Analysis.Vulnerabilities.Packages;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Matching;

/// <summary>The store against the real OSV records in data/osv, and records built here in OSV's published shapes.</summary>
public sealed class AdvisoryStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "gh-adv-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    internal static CatalogedPackage Pkg(string ecosystem, string type, string? ns, string name, string version, string declaredIn = "app.zip!/lockfile") =>
        new(ecosystem, ns is null ? name : type == "maven" ? ns + ":" + name : ns + "/" + name, version, PackageUrl.Create(type, ns, name, version), declaredIn);

    private AdvisoryStore OpenWithRealRecords()
    {
        var store = AdvisoryStore.Open(Path.Combine(_dir, "store"), _time);
        var result = store.Import(OsvTestData.Folder, null, CancellationToken.None);
        Assert.Equal(0, result.Invalid);
        Assert.True(result.Added >= 7, $"added {result.Added}");
        return store;
    }

    [Fact]
    public void Real_advisories_match_affected_packages_and_not_fixed_other_name_or_other_ecosystem()
    {
        using var store = OpenWithRealRecords();
        var packages = new[]
        {
            Pkg("npm", "npm", null, "lodash", "4.17.15", "app.zip!/package-lock.json"), // affected
            Pkg("npm", "npm", null, "lodash", "4.17.21", "app.zip!/other/package-lock.json"), // fixed
            Pkg("npm", "npm", null, "underscore", "1.12.0"), // other name
            Pkg("PyPI", "pypi", null, "lodash", "4.17.15"), // other ecosystem, same name
            Pkg("PyPI", "pypi", null, "Requests", "2.30.0", "app.zip!/requirements.txt"), // affected, spelled differently
            Pkg("PyPI", "pypi", null, "requests", "2.31.0"), // fixed
            Pkg("Maven", "maven", "org.apache.logging.log4j", "log4j-core", "2.14.1", "app.zip!/lib/log4j-core-2.14.1.jar!/META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties"),
            Pkg("Maven", "maven", "org.apache.logging.log4j", "log4j-core", "2.11.0", "app.zip!/legacy/pom.properties"), // the 2.4 line
            Pkg("Maven", "maven", "org.apache.logging.log4j", "log4j-core", "2.12.2"), // backported fix
            Pkg("Maven", "maven", "org.apache.logging.log4j", "log4j-api", "2.14.1"), // other artifact
            Pkg("NuGet", "nuget", null, "newtonsoft.json", "12.0.3", "app.zip!/packages.lock.json"), // NuGet is case-insensitive
            Pkg("NuGet", "nuget", null, "Newtonsoft.Json", "13.0.1"),
            Pkg("Go", "golang", "golang.org/x", "text", "v0.3.6", "app.zip!/go.mod"),
            Pkg("Go", "golang", "golang.org/x", "text", "v0.3.7"),
            Pkg("crates.io", "cargo", null, "http", "0.1.19", "app.zip!/Cargo.lock"),
            Pkg("crates.io", "cargo", null, "http", "0.1.20"),
        };

        var matches = store.Match(packages, CancellationToken.None);

        var found = matches.Select(m => $"{m.Package.Ecosystem}/{m.Package.Name}@{m.Package.Version} {m.AdvisoryId}").Order(StringComparer.Ordinal);
        Assert.Equal(
        [
            "Go/golang.org/x/text@v0.3.6 GO-2021-0113",
            "Maven/org.apache.logging.log4j:log4j-core@2.11.0 GHSA-jfh8-c2jp-5v3q",
            "Maven/org.apache.logging.log4j:log4j-core@2.14.1 GHSA-jfh8-c2jp-5v3q",
            "NuGet/newtonsoft.json@12.0.3 GHSA-5crp-9r3c-p9vr",
            "PyPI/Requests@2.30.0 GHSA-j8r2-6x86-q33q",
            "crates.io/http@0.1.19 RUSTSEC-2019-0033",
            "npm/lodash@4.17.15 GHSA-p6mc-m468-83gw",
        ], found);
        Assert.DoesNotContain(matches, m => m.Uncertain);

        var log4shell = matches.Single(m => m.AdvisoryId == "GHSA-jfh8-c2jp-5v3q" && m.Package.Version == "2.14.1");
        Assert.Equal("CVE-2021-44228", log4shell.Aliases[0]);
        Assert.Equal(Severity.Critical, log4shell.Severity);
        Assert.Equal(10.0, log4shell.Cvss!.BaseScore);
        // The fix of the line the version is on (the record has three: 2.3.1, 2.12.2, 2.15.0).
        Assert.Equal(["2.15.0"], log4shell.FixedVersions);
        Assert.Equal(["2.12.2"], matches.Single(m => m.Package.Version == "2.11.0").FixedVersions);
        Assert.Contains("Log4j", log4shell.Summary!, StringComparison.OrdinalIgnoreCase);

        var requests = matches.Single(m => m.AdvisoryId == "GHSA-j8r2-6x86-q33q");
        Assert.Equal(Severity.Medium, requests.Severity); // CVSS 6.1
        Assert.Equal(["2.31.0"], requests.FixedVersions);

        var newtonsoft = matches.Single(m => m.AdvisoryId == "GHSA-5crp-9r3c-p9vr");
        Assert.Null(newtonsoft.Cvss);
        Assert.Equal(Severity.Low, newtonsoft.Severity); // no CVSS: GitHub's own rating
        Assert.Empty(newtonsoft.Aliases);

        var go = matches.Single(m => m.AdvisoryId == "GO-2021-0113");
        Assert.Equal(["CVE-2021-38561", "GHSA-ppp9-7jff-5vj2"], go.Aliases);
        Assert.Equal(Severity.Medium, go.Severity); // neither CVSS nor a rating
    }

    [Fact]
    public void Import_is_incremental_by_modified()
    {
        using var store = AdvisoryStore.Open(_dir, _time);
        var v1 = Record("GHSA-aaaa-bbbb-cccc", "2024-01-01T00:00:00Z", "npm", "left-pad", fixedIn: "1.1.0");
        var v2 = Record("GHSA-aaaa-bbbb-cccc", "2024-02-01T00:00:00Z", "npm", "right-pad", fixedIn: "2.0.0");
        var older = Record("GHSA-aaaa-bbbb-cccc", "2023-06-01T00:00:00Z", "npm", "up-pad", fixedIn: "9.0.0");

        var first = Import(store, v1);
        var same = Import(store, v1);
        var newer = Import(store, v2);
        var stale = Import(store, older);

        Assert.Equal((1, 1, 0, 0), (first.Read, first.Added, first.Updated, first.Skipped));
        Assert.Equal((1, 0, 0, 1), (same.Read, same.Added, same.Updated, same.Skipped));
        Assert.Equal((1, 0, 1, 0), (newer.Read, newer.Added, newer.Updated, newer.Skipped));
        Assert.Equal((1, 0, 0, 1), (stale.Read, stale.Added, stale.Updated, stale.Skipped));
        // The newer record replaced the package it names; the older one changed nothing.
        Assert.Empty(store.Match([Pkg("npm", "npm", null, "left-pad", "1.0.0")], CancellationToken.None));
        Assert.Empty(store.Match([Pkg("npm", "npm", null, "up-pad", "1.0.0")], CancellationToken.None));
        var match = Assert.Single(store.Match([Pkg("npm", "npm", null, "right-pad", "1.0.0")], CancellationToken.None));
        Assert.Equal(["2.0.0"], match.FixedVersions);
        var status = store.Status();
        Assert.Equal(1, status.Advisories);
        Assert.Equal(new EcosystemStatus("npm", 1, DateTimeOffset.Parse("2024-02-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), Assert.Single(status.Ecosystems));
    }

    [Fact]
    public void A_zip_export_is_imported_member_by_member_and_invalid_records_are_counted_not_fatal()
    {
        var zip = Path.Combine(_dir, "all.zip");
        Directory.CreateDirectory(_dir);
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            foreach (var file in Directory.GetFiles(OsvTestData.Folder, "*.json")) archive.CreateEntryFromFile(file, Path.GetFileName(file));
            Write(archive, "broken.json", "{\"id\": \"X-1\", ");
            Write(archive, "no-modified.json", "{\"id\": \"X-2\"}");
            Write(archive, "duplicate-key.json", "{\"id\": \"X-3\", \"id\": \"X-4\", \"modified\": \"2024-01-01T00:00:00Z\"}");
            Write(archive, "README.md", "not a record");
            // Larger than the parser's limit once inflated (8 MiB of spaces compress to almost nothing).
            Write(archive, "huge.json", "{\"id\": \"X-5\", \"modified\": \"2024-01-01T00:00:00Z\"" + new string(' ', 9 * 1024 * 1024) + "}");
        }
        using var store = AdvisoryStore.Open(Path.Combine(_dir, "store"), _time);

        var result = store.Import(zip, null, CancellationToken.None);

        var records = Directory.GetFiles(OsvTestData.Folder, "*.json").Length;
        Assert.Equal(records + 4, result.Read);
        Assert.Equal(records, result.Added);
        Assert.Equal(4, result.Invalid);
        Assert.Equal(4, result.Problems.Count);
        Assert.Contains(result.Problems, p => p.StartsWith("all.zip!/huge.json: osv.too-large", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith("all.zip!/broken.json: osv.invalid", StringComparison.Ordinal));
        Assert.Single(store.Match([Pkg("npm", "npm", null, "lodash", "4.17.15")], CancellationToken.None));
        Assert.Equal(_time.GetUtcNow(), store.Status().LastImport);
    }

    [Fact]
    public void Uploaded_content_is_told_apart_by_content_and_a_stream_that_cannot_seek_works()
    {
        using var store = AdvisoryStore.Open(_dir, _time);
        var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            Write(archive, "a/GHSA-1111-2222-3333.json", Record("GHSA-1111-2222-3333", "2024-01-01T00:00:00Z", "npm", "minimist", "1.2.6"));

        var fromZip = store.Import(new NonSeekable(buffer.ToArray()), "upload.json", CancellationToken.None); // the name lies
        var fromJson = store.Import(new MemoryStream(Encoding.UTF8.GetBytes(Record("GHSA-4444-5555-6666", "2024-01-01T00:00:00Z", "npm", "qs", "6.10.3"))), "x.zip", CancellationToken.None);
        var garbage = store.Import(new MemoryStream([1, 2, 3]), "garbage", CancellationToken.None);

        Assert.Equal(1, fromZip.Added);
        Assert.Equal(1, fromJson.Added);
        Assert.Equal(1, garbage.Invalid);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
        Assert.Equal(2, store.Match([Pkg("npm", "npm", null, "minimist", "1.2.5"), Pkg("npm", "npm", null, "qs", "6.10.0")], CancellationToken.None).Count);
    }

    [Fact]
    public void Withdrawn_advisories_never_match()
    {
        using var store = AdvisoryStore.Open(_dir, _time);
        Import(store, Record("GHSA-wwww-wwww-wwww", "2024-01-01T00:00:00Z", "npm", "lodash", "9.0.0", extra: "\"withdrawn\": \"2024-01-01T00:00:00Z\","));

        Assert.Empty(store.Match([Pkg("npm", "npm", null, "lodash", "4.17.15")], CancellationToken.None));
        Assert.Equal(1, store.Status().Advisories); // held, counted, never matched
    }

    [Fact]
    public void Distribution_advisories_match_the_source_package_in_the_same_release_only()
    {
        using var store = AdvisoryStore.Open(_dir, _time);
        // Debian's OSV records name the source package (openssl) per release.
        Import(store, Record("DSA-5532-1", "2023-10-25T00:00:00Z", "Debian:12", "openssl", "3.0.11-1~deb12u2"));
        var libssl = Pkg("Debian:12", "deb", "debian", "libssl3", "3.0.11-1~deb12u1", "image.tar!/var/lib/dpkg/status") with { SourceName = "openssl" };
        var fixedLibssl = libssl with { Version = "3.0.11-1~deb12u2", Purl = PackageUrl.Create("deb", "debian", "libssl3", "3.0.11-1~deb12u2") };
        var otherRelease = libssl with { Ecosystem = "Debian:11" };
        var noRelease = libssl with { Ecosystem = "Debian" };
        var binaryOnly = libssl with { SourceName = null }; // matched under its own name, which no advisory uses

        var matches = store.Match([libssl, fixedLibssl, otherRelease, noRelease, binaryOnly], CancellationToken.None);

        var match = Assert.Single(matches);
        Assert.Same(libssl, match.Package);
        Assert.Equal(["3.0.11-1~deb12u2"], match.FixedVersions);
        var status = store.Status();
        Assert.Equal("Debian:12", Assert.Single(status.Ecosystems).Ecosystem);
    }

    [Fact]
    public void An_ecosystem_without_a_version_scheme_gives_uncertain_matches_never_silence()
    {
        using var store = AdvisoryStore.Open(_dir, _time);
        Import(store, Record("GHSA-pppp-pppp-pppp", "2024-01-01T00:00:00Z", "Packagist", "guzzlehttp/guzzle", "7.4.5"));

        var match = Assert.Single(store.Match([Pkg("Packagist", "composer", "guzzlehttp", "guzzle", "7.4.4")], CancellationToken.None));

        Assert.True(match.Uncertain);
    }

    [Fact]
    public void An_unreadable_version_of_a_known_ecosystem_is_uncertain()
    {
        using var store = AdvisoryStore.Open(_dir, _time);
        Import(store, Record("GHSA-uuuu-uuuu-uuuu", "2024-01-01T00:00:00Z", "npm", "minimist", "1.2.6"));

        var match = Assert.Single(store.Match([Pkg("npm", "npm", null, "minimist", "not-a-version")], CancellationToken.None));

        Assert.True(match.Uncertain);
    }

    [Fact]
    public void Versions_lists_match_exactly()
    {
        using var store = AdvisoryStore.Open(_dir, _time);
        Import(store, """
            {"id": "PYSEC-2099-1", "modified": "2024-01-01T00:00:00Z",
             "affected": [{"package": {"ecosystem": "PyPI", "name": "Django_REST.framework"}, "versions": ["3.0.0", "3.0.1"]}]}
            """);

        var hit = store.Match([Pkg("PyPI", "pypi", null, "django-rest-framework", "3.0.1")], CancellationToken.None);
        var miss = store.Match([Pkg("PyPI", "pypi", null, "django-rest-framework", "3.0.2")], CancellationToken.None);

        Assert.Single(hit); // PEP 503: Django_REST.framework is django-rest-framework
        Assert.Empty(miss);
    }

    [Fact]
    public void The_store_folder_is_private_and_reopening_keeps_the_advisories()
    {
        var folder = Path.Combine(_dir, "new", "store");
        using (var store = AdvisoryStore.Open(folder, _time))
            Import(store, Record("GHSA-kkkk-kkkk-kkkk", "2024-01-01T00:00:00Z", "npm", "qs", "6.10.3"));

        using var again = AdvisoryStore.Open(folder, _time);

        Assert.Equal(1, again.Status().Advisories);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, AdvisoryStore.FileName)));
        }
    }

    [Fact]
    public void A_cancelled_import_keeps_the_committed_batches_and_the_store_consistent()
    {
        using var store = AdvisoryStore.Open(_dir, _time);
        store.BatchRecords = 40;
        var folder = Path.Combine(_dir, "many");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < 130; i++)
            File.WriteAllText(Path.Combine(folder, $"R-{i:D5}.json"), Record($"R-{i:D5}", "2024-01-01T00:00:00Z", "npm", $"p{i}", "1.0.0"));
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(n => { if (n >= 80) cts.Cancel(); });

        Assert.ThrowsAny<OperationCanceledException>(() => store.Import(folder, progress, cts.Token));

        Assert.Equal(80, store.Status().Advisories); // two whole batches, nothing of the third
        var resumed = store.Import(folder, null, CancellationToken.None);
        Assert.Equal((80, 50), (resumed.Skipped, resumed.Added));
    }

    internal static string Record(string id, string modified, string ecosystem, string name, string fixedIn, string extra = "") => $$"""
        {"id": "{{id}}", "modified": "{{modified}}", {{extra}}
         "aliases": ["CVE-2099-0001"], "summary": "A test advisory",
         "affected": [{"package": {"ecosystem": "{{ecosystem}}", "name": "{{name}}"},
                       "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "{{fixedIn}}"}]}]}]}
        """;

    private static AdvisoryImportResult Import(AdvisoryStore store, string json) =>
        store.Import(new MemoryStream(Encoding.UTF8.GetBytes(json)), "test.json", CancellationToken.None);

    private static void Write(ZipArchive archive, string name, string content)
    {
        using var s = archive.CreateEntry(name, CompressionLevel.Fastest).Open();
        s.Write(Encoding.UTF8.GetBytes(content));
    }

    // Progress<T> posts to the thread pool; the test needs the callback inline.
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }

    private sealed class NonSeekable(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Position { get => base.Position; set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
