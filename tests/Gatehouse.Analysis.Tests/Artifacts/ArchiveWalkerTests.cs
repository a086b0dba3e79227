using System.Formats.Tar;
using System.IO.Compression;
using Gatehouse.Analysis.Artifacts;
using Gatehouse.Analysis.Pipeline;
using static Gatehouse.Analysis.Tests.Artifacts.ArchiveSamples;

namespace Gatehouse.Analysis.Tests.Artifacts;

public sealed class ArchiveWalkerTests
{
    // A harmless stand-in for the EICAR string: what matters is that the bytes arrive intact.
    private const string Marker = "GATEHOUSE-TEST-MARKER-NOT-MALWARE-7f3a";

    [Fact]
    public async Task A_marker_three_archives_deep_reaches_onFile_with_its_nested_path()
    {
        var c = Zip(("eicar.com", Utf8(Marker)));
        var b = TarGz(("c.zip", c));
        var a = Zip(("b.tar.gz", b));

        var result = await Walk.RunAsync(a, "a.zip");

        Assert.Empty(result.Findings);
        var file = Assert.Single(result.Files, f => f.Path == "a.zip!/b.tar.gz!/c.zip!/eicar.com");
        Assert.Equal(3, file.Depth);
        Assert.Equal(Utf8(Marker), file.Content);
        // A nested archive reaches onFile after its members: by then the walker knows whether it unpacked it whole.
        Assert.Equal(["a.zip!/b.tar.gz!/c.zip!/eicar.com", "a.zip!/b.tar.gz!/c.zip", "a.zip!/b.tar.gz"], result.Files.Select(f => f.Path));
        Assert.Empty(result.LeftoverTempFiles);
    }

    [Fact]
    public async Task A_clean_jar_like_zip_has_no_findings_and_every_member_reaches_onFile()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            zip.CreateEntry("META-INF/");
            Write(zip, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nMain-Class: com.example.App\r\n\r\n");
            zip.CreateEntry("com/example/");
            Write(zip, "com/example/App.class", [0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 65, .. Utf8("com/example/App main ([Ljava/lang/String;)V")]);
            Write(zip, "com/example/Util.class", [0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 65, .. Utf8("com/example/Util")]);
            Write(zip, "config/app.properties", "greeting=hello\n");
            Write(zip, "lib/dep.jar", Zip(("META-INF/MANIFEST.MF", Utf8("Manifest-Version: 1.0\r\n"))));
        }

        var result = await Walk.RunAsync(ms.ToArray(), "app.jar");

        Assert.Empty(result.Findings);
        Assert.Equal(
            ["app.jar!/META-INF/MANIFEST.MF", "app.jar!/com/example/App.class", "app.jar!/com/example/Util.class",
             "app.jar!/config/app.properties", "app.jar!/lib/dep.jar!/META-INF/MANIFEST.MF", "app.jar!/lib/dep.jar"],
            result.Files.Select(f => f.Path));
    }

    [Fact]
    public async Task A_clean_npm_style_tgz_has_no_findings_and_every_member_reaches_onFile()
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Ustar))
        {
            tar.WriteEntry(new UstarTarEntry(TarEntryType.Directory, "package/"));
            foreach (var (name, text) in new[]
            {
                ("package/package.json", "{\"name\":\"demo\",\"version\":\"1.0.0\",\"main\":\"index.js\"}"),
                ("package/index.js", "module.exports = () => 42;\n"),
                ("package/README.md", "# demo\n"),
            })
            {
                tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Utf8(text)) });
            }
            tar.WriteEntry(new UstarTarEntry(TarEntryType.SymbolicLink, "package/main.js") { LinkName = "index.js" });
        }

        var result = await Walk.RunAsync(ms.ToArray(), "demo-1.0.0.tgz");

        Assert.Empty(result.Findings);
        Assert.Equal(["demo-1.0.0.tgz!/package/package.json", "demo-1.0.0.tgz!/package/index.js", "demo-1.0.0.tgz!/package/README.md"],
            result.Files.Select(f => f.Path));
        Assert.Equal(Utf8("module.exports = () => 42;\n"), result.Content("demo-1.0.0.tgz!/package/index.js"));
    }

    [Fact]
    public async Task The_temp_directory_is_empty_after_a_nested_walk()
    {
        var nested = Zip(("inner.tgz", TarGz(("x.txt", Utf8("x")), ("y.zip", Zip(("z.txt", Utf8("z")))))));
        var temp = Path.Combine(Path.GetTempPath(), "gatehouse-walk-" + Guid.NewGuid().ToString("N"));
        try
        {
            var walker = new ArchiveWalker(SmallLimits, temp) { InMemoryMemberBytes = 0 }; // every member on disk
            var seen = new List<string>();
            await walker.WalkAsync(Root("outer.zip", nested), (f, _) =>
            {
                seen.Add(f.Path);
                Assert.NotEmpty(Directory.GetFiles(temp)); // this member's temp file exists while onFile runs
                return ValueTask.CompletedTask;
            }, _ => { }, CancellationToken.None);

            Assert.Equal(4, seen.Count);
            Assert.Empty(Directory.GetFileSystemEntries(temp));
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    [Fact]
    public async Task Extracted_members_are_readable_by_their_owner_only_in_a_folder_created_private()
    {
        var zip = Zip(("a.txt", Utf8("vendor code")), ("inner.tgz", TarGz(("b.txt", Utf8("more")))));
        var temp = Path.Combine(Path.GetTempPath(), "gatehouse-walk-" + Guid.NewGuid().ToString("N"), "scan");
        try
        {
            var modes = new List<UnixFileMode>();
            await new ArchiveWalker(SmallLimits, temp) { InMemoryMemberBytes = 0 }.WalkAsync(Root("app.zip", zip), (f, _) =>
            {
                using var s = (FileStream)f.Open();
                modes.Add(File.GetUnixFileMode(s.Name));
                return ValueTask.CompletedTask;
            }, _ => { }, CancellationToken.None);

            Assert.Equal(3, modes.Count);
            Assert.All(modes, m => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, m));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(temp));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(temp)!, recursive: true);
        }
    }

    [Fact]
    public async Task Temp_files_are_named_by_the_walker_never_by_the_entry_name()
    {
        var zip = Zip(("../../../../tmp/evil-name.txt", Utf8("x")), ("normal.txt", Utf8("y")));
        var temp = Path.Combine(Path.GetTempPath(), "gatehouse-walk-" + Guid.NewGuid().ToString("N"));
        try
        {
            var names = new List<string>();
            await new ArchiveWalker(SmallLimits, temp) { InMemoryMemberBytes = 0 }.WalkAsync(Root("a.zip", zip), (_, _) =>
            {
                names.AddRange(Directory.GetFiles(temp).Select(Path.GetFileName)!);
                return ValueTask.CompletedTask;
            }, _ => { }, CancellationToken.None);

            Assert.Equal(2, names.Count);
            Assert.All(names, n => Assert.Matches("^gh-[0-9a-f]{32}\\.member$", n));
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    [Fact]
    public async Task An_exception_from_onFile_propagates_and_temp_files_are_still_deleted()
    {
        var zip = Zip(("a.txt", Utf8("a")));
        var temp = Path.Combine(Path.GetTempPath(), "gatehouse-walk-" + Guid.NewGuid().ToString("N"));
        try
        {
            var walker = new ArchiveWalker(SmallLimits, temp);

            await Assert.ThrowsAsync<InvalidOperationException>(() => walker.WalkAsync(
                Root("a.zip", zip), (_, _) => throw new InvalidOperationException("analyzer bug"), _ => { }, CancellationToken.None));

            Assert.Empty(Directory.GetFileSystemEntries(temp));
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    [Fact]
    public async Task Cancellation_by_the_caller_throws_OperationCanceledException()
    {
        using var cts = new CancellationTokenSource();
        var zip = Zip(("a.txt", Utf8("a")), ("b.txt", Utf8("b")));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Walk.RunAsync(zip, "a.zip", onFile: _ => cts.Cancel(), ct: cts.Token));
    }

    [Fact]
    public async Task A_file_that_is_not_an_archive_is_left_alone()
    {
        var result = await Walk.RunAsync(Utf8("just text, named like a zip"), "fake.zip");

        Assert.Empty(result.Findings);
        Assert.Empty(result.Files);
    }

    [Fact]
    public async Task A_member_named_like_an_archive_but_not_one_is_not_opened()
    {
        var result = await Walk.RunAsync(Zip(("data.zip", Utf8("plain text"))), "app.zip");

        Assert.Empty(result.Findings);
        Assert.Single(result.Files);
    }

    [Theory]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04 }, true)]
    [InlineData(new byte[] { 0x50, 0x4B, 0x05, 0x06 }, true)]
    [InlineData(new byte[] { 0x1F, 0x8B, 0x08 }, true)]
    [InlineData(new byte[] { 0x43, 0x72, 0x32, 0x34 }, true)]
    [InlineData(new byte[] { 0x4D, 0x5A, 0x90, 0x00 }, false)]
    [InlineData(new byte[] { 0x50, 0x4B }, false)]
    [InlineData(new byte[0], false)]
    public void LooksLikeArchive_decides_by_magic_bytes(byte[] header, bool expected)
    {
        Assert.Equal(expected, ArchiveWalker.LooksLikeArchive(header));
    }

    [Fact]
    public void LooksLikeArchive_recognises_a_tar_header()
    {
        Assert.True(ArchiveWalker.LooksLikeArchive(Tar([("a.txt", Utf8("a"))]).AsSpan(0, 512)));
        Assert.False(ArchiveWalker.LooksLikeArchive(new byte[512]));
    }

    [Fact]
    public void The_walker_declares_its_identity_and_eight_rules_for_requirement_GH_FILE_2()
    {
        var walker = new ArchiveWalker(Policy.Default, Path.GetTempPath());

        Assert.Equal("archive", walker.Id);
        Assert.Equal("1.2.0", walker.Version);
        Assert.Equal(
            ["archive.path-traversal", "archive.link-escape", "archive.link-traversal", "archive.special-file", "archive.bomb", "archive.encrypted", "archive.corrupt", "archive.duplicate-entry"],
            walker.Rules.Select(r => r.Id));
        Assert.All(walker.Rules, r => Assert.Equal("GH-FILE-2", r.RequirementId));
    }

    [Fact]
    public void Every_archive_rule_has_a_doc_page()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gatehouse.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);

        foreach (var rule in new ArchiveWalker(Policy.Default, Path.GetTempPath()).Rules)
        {
            var page = Path.Combine(dir.FullName, rule.DocPath);
            Assert.True(File.Exists(page), $"missing {rule.DocPath}");
            Assert.Equal($"# `{rule.Id}`", File.ReadLines(page).First());
        }
    }

    [Fact]
    public void Our_crc32_agrees_with_the_one_zip_writers_store()
    {
        var content = Utf8("The quick brown fox jumps over the lazy dog");
        using var archive = new ZipArchive(new MemoryStream(Zip(("a.txt", content))));

        Assert.Equal(archive.Entries[0].Crc32, Crc32.Compute(content));
        Assert.Equal(0x414FA339u, Crc32.Compute(content));
    }

    [Fact]
    public void Our_crc32_agrees_with_the_bcl_zip_writer_on_odd_lengths()
    {
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(100_003);
        using var archive = new ZipArchive(new MemoryStream(Zip(("r.bin", content))));

        Assert.Equal(archive.Entries[0].Crc32, Crc32.Compute(content));
    }

    [Fact]
    public async Task A_zip_streamed_with_data_descriptors_is_clean()
    {
        // Writers that cannot seek (jar tools, ZipArchive on a pipe) set flag bit 3 and put sizes after the data.
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(new ForwardOnlyStream(ms), ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n");
            Write(zip, "a/B.class", new byte[5000]);
        }

        var result = await Walk.RunAsync(ms.ToArray(), "streamed.jar");

        Assert.Empty(result.Findings);
        Assert.Equal(new byte[5000], result.Content("streamed.jar!/a/B.class"));
    }

    [Fact]
    public async Task A_zip_handed_over_as_a_non_seekable_stream_is_spooled_and_walked()
    {
        var zip = Zip(("a.txt", Utf8("from a pipe")));
        var temp = Path.Combine(Path.GetTempPath(), "gatehouse-walk-" + Guid.NewGuid().ToString("N"));
        try
        {
            var root = new ScanFile
            {
                Path = "upload.zip",
                Depth = 0,
                Length = zip.Length,
                Sha256 = Sha256(zip),
                Open = () => new ForwardOnlyStream(new MemoryStream(zip)),
            };
            var seen = new List<string>();

            await new ArchiveWalker(SmallLimits, temp).WalkAsync(root, (f, _) => { seen.Add(f.Path); return ValueTask.CompletedTask; }, _ => { }, CancellationToken.None);

            Assert.Equal(["upload.zip!/a.txt"], seen);
            Assert.Empty(Directory.GetFileSystemEntries(temp));
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary>A stream that can only go forward, like a pipe or an HTTP body.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => inner.CanWrite;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }

    private static ScanFile Root(string name, byte[] bytes) => new()
    {
        Path = name,
        Depth = 0,
        Length = bytes.Length,
        Sha256 = Sha256(bytes),
        Open = () => new MemoryStream(bytes, writable: false),
    };

    private static void Write(ZipArchive zip, string name, string text) => Write(zip, name, Utf8(text));

    private static void Write(ZipArchive zip, string name, byte[] content)
    {
        using var s = zip.CreateEntry(name).Open();
        s.Write(content);
    }
}
