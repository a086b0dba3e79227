using System.Collections.Concurrent;
using System.Formats.Tar;
using Gatehouse.Analysis.Analyzers.Malware.ClamAv;
using Gatehouse.Analysis.Analyzers.Malware.Yara;
using Gatehouse.Analysis.Artifacts;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Tests.Analyzers.Malware.ClamAv;
using Gatehouse.Analysis.Tests.Artifacts;
using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Analysis.Tests.Pipeline;

/// <summary>
/// Issue 15: YARA and ClamAV scan the whole artifact only when the walker did not deliver every byte as members
/// (a format it does not open, or an archive it could not read whole); otherwise they scan the members only.
/// </summary>
public sealed class WholeArtifactScanTests : IDisposable
{
    private static readonly Policy NoEngines = ArchiveSamples.SmallLimits with { RequiredEngines = [] };
    private readonly string _dir = Directory.CreateTempSubdirectory("gh-whole-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A byte scanner like YARA and ClamAV: records every file it is given.</summary>
    private sealed class ByteScanner : IFileAnalyzer
    {
        public ConcurrentBag<(string Path, int Depth)> Seen { get; } = [];
        public string Id => "test.bytes";
        public string Version => "1";
        public IReadOnlyList<RuleDescriptor> Rules => [];
        public bool SkipsUnpackedArchives => true;

        public ValueTask AnalyzeAsync(ScanFile file, AnalysisContext context, CancellationToken ct)
        {
            Seen.Add((file.Path, file.Depth));
            return ValueTask.CompletedTask;
        }

        public bool SawArtifact => Seen.Any(s => s.Depth == 0);
    }

    /// <summary>Stands first, as the file-type analyzer does (the pipeline never skips the first analyzer).</summary>
    private sealed class First : IFileAnalyzer
    {
        public string Id => "test.first";
        public string Version => "1";
        public IReadOnlyList<RuleDescriptor> Rules => [];
        public ValueTask AnalyzeAsync(ScanFile file, AnalysisContext context, CancellationToken ct) => ValueTask.CompletedTask;
    }

    private async Task<ScanReport> ScanAsync(byte[] artifact, string name, Policy policy, params IFileAnalyzer[] analyzers)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(path, artifact);
        var walker = new ArchiveWalker(policy, Path.Combine(_dir, "scratch"), TimeProvider.System);
        var pipeline = new ScanPipeline([new First(), .. analyzers], walker, policy, TimeProvider.System);
        return await pipeline.ScanAsync(path, name, "downloadable", progress: null, CancellationToken.None);
    }

    private static byte[] Text(string s) => ArchiveSamples.Utf8(s);

    public static TheoryData<string, byte[]> FullyReadable() => new()
    {
        { "app.zip", ArchiveSamples.Zip(("a.txt", Text("alpha")), ("lib/b.bin", new byte[5000])) },
        { "app.tar.gz", ArchiveSamples.TarGz(("a.txt", Text("alpha")), ("b.txt", Text("beta"))) },
        { "app.tar", ArchiveSamples.Tar([("a.txt", Text("alpha"))]) },
        { "outer.zip", ArchiveSamples.Zip(("inner.zip", ArchiveSamples.Zip(("deep.txt", Text("deep")))), ("c.txt", Text("c"))) },
    };

    [Theory]
    [MemberData(nameof(FullyReadable))]
    public async Task A_fully_unpacked_archive_reaches_byte_scanners_only_as_its_members(string name, byte[] artifact)
    {
        var scanner = new ByteScanner();
        var report = await ScanAsync(artifact, name, NoEngines, scanner);

        Assert.Equal(Verdict.Pass, report.Verdict);
        Assert.False(scanner.SawArtifact);
        Assert.NotEmpty(scanner.Seen);
        // A nested archive that was unpacked whole is not scanned as bytes either; its members are.
        if (name == "outer.zip")
        {
            Assert.DoesNotContain(scanner.Seen, s => s.Path.EndsWith("inner.zip", StringComparison.Ordinal));
            Assert.Contains(scanner.Seen, s => s.Path.EndsWith("inner.zip!/deep.txt", StringComparison.Ordinal));
        }
    }

    public static TheoryData<string, byte[]> NotFullyUnpacked()
    {
        var zip = ArchiveSamples.Zip(("a.txt", Text("alpha")), ("b.txt", Text("beta")));
        var tar = ArchiveSamples.Tar([("a.txt", Text("alpha"))]);
        var tarGz = ArchiveSamples.TarGz(("a.txt", Text("alpha")));
        var sevenZip = new byte[] { (byte)'7', (byte)'z', 0xBC, 0xAF, 0x27, 0x1C, 0, 4 }.Concat(Text("X5O!P%@AP payload the walker cannot open")).ToArray();
        return new()
        {
            { "truncated.zip", zip[..(zip.Length - 30)] },
            { "7z-like.7z", sevenZip },
            { "plain.txt", Text("not an archive") },
            { "encrypted.zip", new ZipBuilder().Add("secret.bin", "ciphertext", new ZipEntrySpec { Flags = 1 }).Add("open.txt", "x").ToArray() },
            { "appended.zip", [.. zip, .. Text("hidden after the end record")] },
            { "trailing.tar", [.. tar, .. Text("bytes after the end-of-archive blocks")] },
            { "trailing.tar.gz", [.. tarGz, .. Text("garbage after the gzip member")] },
            { "truncated.tar.gz", tarGz[..(tarGz.Length - 12)] },
            { "oversize.zip", ArchiveSamples.Zip(("big.bin", new byte[(4 << 20) + 10]), ("small.txt", Text("s"))) },
            { "symlink.zip", new ZipBuilder().Add("link", "target.txt", new ZipEntrySpec { UnixMode = 0xA000 | 0x1FF }).ToArray() },
            { "extension.crx", Crx3(zip) },
        };
    }

    /// <summary>A CRX3 file: "Cr24", version 3, a header of <c>n</c> bytes (here arbitrary, as a signed header may be), then the zip.</summary>
    private static byte[] Crx3(byte[] zip)
    {
        var header = Text("header bytes that are not a member");
        return [(byte)'C', (byte)'r', (byte)'2', (byte)'4', 3, 0, 0, 0, (byte)header.Length, 0, 0, 0, .. header, .. zip];
    }

    [Theory]
    [MemberData(nameof(NotFullyUnpacked))]
    public async Task An_artifact_the_walker_did_not_fully_unpack_is_scanned_whole(string name, byte[] artifact)
    {
        var scanner = new ByteScanner();
        await ScanAsync(artifact, name, NoEngines, scanner);

        Assert.True(scanner.SawArtifact, $"{name} was not scanned whole");
    }

    [Fact]
    public async Task A_nested_archive_with_a_defect_is_scanned_whole_and_its_parent_is_not()
    {
        var inner = ArchiveSamples.Zip(("deep.txt", Text("deep")));
        var outer = ArchiveSamples.Zip(("inner.zip", [.. inner, .. Text("appended")]), ("c.txt", Text("c")));
        var scanner = new ByteScanner();

        await ScanAsync(outer, "outer.zip", NoEngines, scanner);

        Assert.False(scanner.SawArtifact);
        Assert.Contains(scanner.Seen, s => s.Path.EndsWith("!/inner.zip", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_YARA_rule_on_container_bytes_matches_only_what_the_walker_could_not_unpack()
    {
        // Matches the zip end-of-central-directory record: bytes of the container, never of a member.
        using var yara = new YaraAnalyzer(
            YaraRuleSet.FromSources([new YaraRuleSource("container.yar", "rule Zip_Container { strings: $eocd = { 50 4B 05 06 } condition: $eocd }")]),
            YaraOptions.Default);
        var zip = ArchiveSamples.Zip(("a.txt", Text("alpha")));

        var whole = await ScanAsync(zip, "app.zip", NoEngines, yara);
        var broken = await ScanAsync([.. zip, .. Text("appended")], "app.zip", NoEngines, yara);

        Assert.DoesNotContain(whole.Findings, f => f.RuleId == YaraAnalyzer.RuleId);
        Assert.Contains(broken.Findings, f => f.RuleId == YaraAnalyzer.RuleId && f.Path == "app.zip");
    }

    [Fact]
    public async Task EICAR_in_a_zip_is_found_by_clamd_through_the_member_and_the_zip_is_not_streamed()
    {
        var streamed = new ConcurrentBag<byte[]>();
        await using var clamd = ClamdFakeServer.Answering(payload =>
        {
            streamed.Add(payload);
            return payload.AsSpan().SequenceEqual(ClamAvTestSamples.Eicar()) ? "stream: Eicar-Test-Signature FOUND" : "stream: OK";
        });
        var clamav = new ClamAvAnalyzer(new ClamAvOptions { Endpoint = clamd.Endpoint, Timeout = TimeSpan.FromSeconds(10) });
        var zip = ArchiveSamples.Zip(("docs/readme.txt", Text("hello")), ("eicar.com", ClamAvTestSamples.Eicar()));

        var report = await ScanAsync(zip, "app.zip", NoEngines, clamav);

        Assert.Equal(Verdict.Reject, report.Verdict);
        Assert.Contains(report.Findings, f => f.RuleId == ClamAvAnalyzer.RuleId && f.Path == "app.zip!/eicar.com");
        Assert.DoesNotContain(streamed, p => p.AsSpan().SequenceEqual(zip));
        Assert.Equal(3, streamed.Count); // the self-test's EICAR and the two members
    }
}
