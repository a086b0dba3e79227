using Gatehouse.Analysis.Artifacts;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Tests.Artifacts;

/// <summary>Issue 15: small members stay in memory; only larger ones go to a private temp file, removed after the walk.</summary>
public sealed class InMemoryMemberTests : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "gh-inmem-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    [Fact]
    public async Task Members_up_to_the_threshold_are_handed_over_in_memory_and_larger_ones_as_private_files()
    {
        var small = ArchiveSamples.Utf8(new string('s', 1000));
        var large = System.Security.Cryptography.RandomNumberGenerator.GetBytes(3000);
        var zip = ArchiveSamples.Zip(("small.txt", small), ("large.bin", large));
        var walker = new ArchiveWalker(ArchiveSamples.SmallLimits, _scratch, TimeProvider.System) { InMemoryMemberBytes = 2048 };
        var seen = new Dictionary<string, (bool InMemory, byte[] Bytes, string[] TempFiles, UnixFileMode? Mode)>();
        var root = new ScanFile { Path = "app.zip", Depth = 0, Length = zip.Length, Sha256 = ArchiveSamples.Sha256(zip), Open = () => new MemoryStream(zip, writable: false) };

        await walker.WalkAsync(root, (file, _) =>
        {
            using var s = file.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            var temp = Directory.GetFiles(_scratch);
            UnixFileMode? mode = s is FileStream fs && !OperatingSystem.IsWindows() ? File.GetUnixFileMode(fs.Name) : null;
            seen[file.Name] = (file.Content is not null, copy.ToArray(), temp, mode);
            return ValueTask.CompletedTask;
        }, _ => { }, CancellationToken.None);

        Assert.True(seen["small.txt"].InMemory);
        Assert.Equal(small, seen["small.txt"].Bytes);
        Assert.Empty(seen["small.txt"].TempFiles);
        Assert.False(seen["large.bin"].InMemory);
        Assert.Equal(large, seen["large.bin"].Bytes);
        Assert.Single(seen["large.bin"].TempFiles);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, seen["large.bin"].Mode);
        Assert.Empty(Directory.GetFiles(_scratch));
        Assert.True(root.FullyUnpacked);
    }

    [Fact]
    public async Task A_threshold_of_zero_writes_every_member_to_disk()
    {
        var zip = ArchiveSamples.Zip(("a.txt", ArchiveSamples.Utf8("a")), ("empty.txt", []));
        var walker = new ArchiveWalker(ArchiveSamples.SmallLimits, _scratch, TimeProvider.System) { InMemoryMemberBytes = 0 };
        var onDisk = new List<bool>();
        var root = new ScanFile { Path = "app.zip", Depth = 0, Length = zip.Length, Sha256 = ArchiveSamples.Sha256(zip), Open = () => new MemoryStream(zip, writable: false) };

        await walker.WalkAsync(root, (file, _) =>
        {
            using var s = file.Open();
            onDisk.Add(file.Content is null && s is FileStream);
            return ValueTask.CompletedTask;
        }, _ => { }, CancellationToken.None);

        Assert.Equal([true, true], onDisk);
    }
}
