using System.Formats.Tar;
using System.Text;
using Gatehouse.Analysis.Pipeline;
using static Gatehouse.Analysis.Tests.Artifacts.ArchiveSamples;

namespace Gatehouse.Analysis.Tests.Artifacts;

public sealed class TarSafetyTests
{
    private static readonly (string, byte[])[] OneFile = [("app/index.js", Utf8("console.log(1)"))];

    [Theory]
    [InlineData("app/link", "/etc/passwd")]
    [InlineData("app/link", "../../etc/passwd")]
    [InlineData("link", "..")]
    [InlineData("app/sub/link", "../../../outside")]
    public async Task A_tar_symlink_pointing_outside_the_archive_is_a_link_escape(string name, string target)
    {
        var tar = Tar(OneFile, w => w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target }));

        var result = await Walk.RunAsync(tar, "app.tar");

        var finding = Assert.Single(result.Findings);
        Assert.Equal("archive.link-escape", finding.RuleId);
        Assert.Equal(Severity.Low, finding.Severity);
        Assert.Equal("app.tar!/" + name, finding.Path);
    }

    [Fact]
    public async Task Absolute_links_of_a_system_package_are_reported_low_so_the_package_passes()
    {
        // The layout of Debian's openssl payload: links into /etc, no entry below them.
        var tar = Tar([("usr/lib/ssl/misc/CA.pl", Utf8("#!/usr/bin/perl\n"))], w =>
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "usr/lib/ssl/certs") { LinkName = "/etc/ssl/certs" });
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "usr/lib/ssl/openssl.cnf") { LinkName = "/etc/ssl/openssl.cnf" });
        });

        var result = await Walk.RunAsync(tar, "openssl.tar");

        Assert.All(result.Findings, f => Assert.Equal(("archive.link-escape", Severity.Low), (f.RuleId, f.Severity)));
        Assert.Equal(2, result.Findings.Count);
        var (verdict, _) = Gatehouse.Analysis.Verdicts.VerdictRules.Decide(result.Findings, [new Gatehouse.Analysis.Verdicts.AnalyzerRun("archive", "1.2.0", "ok")], Policy.Default, null, new HashSet<string>());
        Assert.Equal(Gatehouse.Analysis.Verdicts.Verdict.Pass, verdict);
    }

    [Theory]
    [InlineData("conf", "/etc", "conf/cron.d/job", "conf")]
    [InlineData("./conf", "/etc", "conf/passwd", "conf")]
    [InlineData("a", "b", "a/c/etc/passwd", "a")]                 // a link inside the archive can chain to outside
    [InlineData("app/data", "../../home/u/.ssh", "app/data/authorized_keys", "app/data")]
    public async Task An_entry_stored_below_an_earlier_symlink_is_a_critical_link_traversal(string link, string target, string entry, string through)
    {
        var tar = Tar([], w =>
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, link) { LinkName = target });
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entry) { DataStream = new MemoryStream(Utf8("ssh-ed25519 AAAA attacker")) });
        });

        var result = await Walk.RunAsync(tar, "app.tar");

        var traversal = Assert.Single(result.Findings, f => f.RuleId == "archive.link-traversal");
        Assert.Equal(Severity.Critical, traversal.Severity);
        Assert.Equal("app.tar!/" + entry, traversal.Path);
        Assert.Contains($"'{through}'", traversal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_before_a_link_or_beside_it_are_not_a_link_traversal()
    {
        var tar = Tar([("conf/app.ini", Utf8("a=1")), ("confx/b.ini", Utf8("b=2"))], w =>
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "conf/current") { LinkName = "app.ini" });
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "conf/current.bak") { DataStream = new MemoryStream(Utf8("c=3")) });
        });

        var result = await Walk.RunAsync(tar, "app.tar");

        Assert.DoesNotContain(result.Findings, f => f.RuleId == "archive.link-traversal");
    }

    [Fact]
    public async Task A_tar_hard_link_climbing_out_of_the_root_is_a_link_escape()
    {
        var tar = Tar(OneFile, w => w.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "app/h") { LinkName = "../secret" }));

        var result = await Walk.RunAsync(tar, "app.tar");

        Assert.Equal("archive.link-escape", Assert.Single(result.Findings).RuleId);
    }

    [Fact]
    public async Task Tar_links_that_stay_inside_the_archive_are_quiet_and_never_extracted()
    {
        var tar = Tar(OneFile, w =>
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "app/sub/link") { LinkName = "../index.js" });
            w.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "app/hard") { LinkName = "app/index.js" });
        });

        var result = await Walk.RunAsync(tar, "app.tar");

        Assert.Empty(result.Findings);
        Assert.Equal(["app.tar!/app/index.js"], result.Files.Select(f => f.Path));
    }

    [Theory]
    [InlineData(TarEntryType.CharacterDevice)]
    [InlineData(TarEntryType.BlockDevice)]
    [InlineData(TarEntryType.Fifo)]
    public async Task A_tar_device_or_fifo_is_a_special_file(TarEntryType type)
    {
        var tar = Tar(OneFile, w => w.WriteEntry(new PaxTarEntry(type, "dev/thing")));

        var result = await Walk.RunAsync(tar, "app.tar");

        var finding = Assert.Single(result.Findings);
        Assert.Equal("archive.special-file", finding.RuleId);
        Assert.Equal("app.tar!/dev/thing", finding.Path);
    }

    [Fact]
    public async Task A_tar_entry_climbing_with_dot_dot_is_path_traversal()
    {
        var tar = Tar([("../../etc/profile.d/evil.sh", Utf8("curl x | sh"))]);

        var result = await Walk.RunAsync(tar, "app.tar");

        Assert.Equal("archive.path-traversal", Assert.Single(result.Findings).RuleId);
    }

    [Fact]
    public async Task A_leading_dot_slash_is_stripped_from_member_paths()
    {
        var tgz = TarGz(("./package/package.json", Utf8("{}")));

        var result = await Walk.RunAsync(tgz, "pkg.tgz");

        Assert.Empty(result.Findings);
        Assert.Equal("pkg.tgz!/package/package.json", Assert.Single(result.Files).Path);
    }

    [Fact]
    public async Task A_tar_with_the_same_file_twice_is_reported_as_duplicate()
    {
        var tar = Tar([("bin/run", Utf8("a")), ("bin/run", Utf8("b"))]);

        var result = await Walk.RunAsync(tar, "app.tar");

        Assert.Equal("archive.duplicate-entry", Assert.Single(result.Findings).RuleId);
    }

    [Fact]
    public async Task A_truncated_tar_gz_is_reported_as_corrupt()
    {
        var tgz = TarGz(("a.bin", new byte[200_000].Select((_, i) => (byte)(i * 7 % 251)).ToArray()));

        var result = await Walk.RunAsync(tgz[..(tgz.Length / 2)], "app.tar.gz");

        Assert.All(result.Findings, f => Assert.Equal("archive.corrupt", f.RuleId));
        Assert.Contains(result.Findings, f => f.Path == "app.tar.gz");
        Assert.Empty(result.LeftoverTempFiles);
    }

    [Fact]
    public async Task A_plain_gz_holds_one_member_named_after_the_outer_file()
    {
        var gz = Gzip(Utf8("line one\nline two\n"));

        var result = await Walk.RunAsync(gz, "notes.txt.gz");

        Assert.Empty(result.Findings);
        var file = Assert.Single(result.Files);
        Assert.Equal("notes.txt.gz!/notes.txt", file.Path);
        Assert.Equal(Utf8("line one\nline two\n"), file.Content);
    }

    [Fact]
    public async Task A_v7_tar_without_the_ustar_magic_is_recognised_by_its_checksum()
    {
        using var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.V7, leaveOpen: true))
        {
            w.WriteEntry(new V7TarEntry(TarEntryType.V7RegularFile, "old.txt") { DataStream = new MemoryStream(Utf8("v7")) });
        }

        var result = await Walk.RunAsync(ms.ToArray(), "old.tar");

        Assert.Equal("old.tar!/old.txt", Assert.Single(result.Files).Path);
    }

    [Theory]
    [InlineData('x')]
    [InlineData('L')]
    public async Task A_tar_metadata_header_claiming_gigabytes_is_rejected_before_the_reader_allocates_it(char type)
    {
        var tar = HeaderOnly(type, 1_900_000_000L);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var result = await Walk.RunAsync(tar, "app.tar");

        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 500_000_000, "the claimed size must not be allocated");
        Assert.Equal("app.tar", Assert.Single(result.Of("archive.bomb")).Path);
    }

    [Fact]
    public async Task A_pax_size_record_keeps_the_header_guard_in_step()
    {
        // TarWriter writes a PAX header for names over 100 characters; the guard must follow it to the next entries.
        var longName = "deep/" + new string('d', 150) + "/file.txt";
        var tar = Tar([(longName, Utf8("long")), ("next.txt", new byte[1300]), ("last.txt", Utf8("end"))]);

        var result = await Walk.RunAsync(tar, "app.tar");

        Assert.Empty(result.Findings);
        Assert.Equal(3, result.Files.Count);
        Assert.Equal(Utf8("end"), result.Content("app.tar!/last.txt"));
    }

    /// <summary>A ustar header block of <paramref name="type"/> declaring <paramref name="size"/> bytes, followed by almost nothing.</summary>
    private static byte[] HeaderOnly(char type, long size)
    {
        var h = new byte[512];
        Encoding.ASCII.GetBytes("PaxHeaders/x").CopyTo(h, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(h, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(h, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(h, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(h, 124);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(h, 136);
        h[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(h, 257);
        for (var i = 148; i < 156; i++) h[i] = (byte)' ';
        var sum = h.Sum(b => (long)b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(h, 148);
        return [.. h, .. new byte[2048]];
    }
}
