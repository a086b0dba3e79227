using Gatehouse.Server.Data.Scratch;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gatehouse.Server.Tests.Data;

/// <summary>The server's private scratch folder under the data folder, on a real file system.</summary>
public sealed class ScratchSpaceTests : IDisposable
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _data = Directory.CreateTempSubdirectory("gatehouse-data-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private ScratchSpace Space() => new(_data, NullLogger<ScratchSpace>.Instance);

    [Fact]
    public void A_work_folder_is_private_and_is_deleted_with_its_files_when_disposed()
    {
        using var space = Space();
        string path;
        using (var folder = space.CreateFolder("scan-1"))
        {
            path = folder.Path;
            using (var f = new FileStream(folder.File("artifact"), PrivateFolders.CreateNew())) f.WriteByte(1);
            Assert.StartsWith(Path.Combine(_data, "scratch", space.Token) + Path.DirectorySeparatorChar, path, StringComparison.Ordinal);
            Assert.Equal(Folder, File.GetUnixFileMode(Path.Combine(_data, "scratch")));
            Assert.Equal(Folder, File.GetUnixFileMode(Path.Combine(_data, "scratch", space.Token)));
            Assert.Equal(Folder, File.GetUnixFileMode(path));
            Assert.Equal(File0600, File.GetUnixFileMode(folder.File("artifact")));
        }
        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public void A_scratch_folder_made_world_readable_beforehand_is_narrowed_to_the_owner()
    {
        Directory.CreateDirectory(Path.Combine(_data, "scratch"), Folder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        using var space = Space();
        Assert.Equal(Folder, File.GetUnixFileMode(space.Root));
    }

    [Fact]
    public void A_sweep_removes_what_a_dead_process_left_at_once_and_keeps_a_live_process_folder_however_old()
    {
        using var space = Space();
        var root = space.Root;
        // A killed process: its lock file (nobody holds the lock) and a half-done scan, written a second ago.
        var deadToken = OwnerLock.NewToken();
        File.WriteAllBytes(Path.Combine(root, "owners", deadToken + ".lock"), []);
        Directory.CreateDirectory(Path.Combine(root, deadToken, "scan-a"));
        File.WriteAllBytes(Path.Combine(root, deadToken, "scan-a", "artifact"), [1, 2, 3]);
        // Another process on the same data folder, alive, with a scan folder untouched for a week.
        using var live = OwnerLock.Hold(Path.Combine(root, "owners"), OwnerLock.NewToken());
        var liveScan = Directory.CreateDirectory(Path.Combine(root, live.Token, "scan-b")).FullName;
        var week = TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-7);
        File.WriteAllBytes(Path.Combine(liveScan, "artifact"), [4]);
        File.SetLastWriteTimeUtc(Path.Combine(liveScan, "artifact"), week);
        Directory.SetLastWriteTimeUtc(liveScan, week);
        Directory.SetLastWriteTimeUtc(Path.Combine(root, live.Token), week);

        Assert.Equal(1, space.Sweep(TimeProvider.System.GetUtcNow()));

        Assert.False(Directory.Exists(Path.Combine(root, deadToken)));
        Assert.False(File.Exists(Path.Combine(root, "owners", deadToken + ".lock")));
        Assert.True(File.Exists(Path.Combine(liveScan, "artifact")));
        Assert.True(File.Exists(live.Path));
    }

    [Fact]
    public void A_folder_whose_owner_cannot_be_known_is_removed_only_once_untouched_for_a_day()
    {
        using var space = Space();
        var fresh = Directory.CreateDirectory(Path.Combine(space.Root, "host-1-aaaaaaaaaaaa", "scan-x")).FullName;
        var old = Directory.CreateDirectory(Path.Combine(space.Root, "host-2-bbbbbbbbbbbb", "scan-y")).FullName;
        var now = TimeProvider.System.GetUtcNow();
        foreach (var d in new[] { old, Path.GetDirectoryName(old)! })
            Directory.SetLastWriteTimeUtc(d, now.UtcDateTime - ScratchSpace.OrphanAge - TimeSpan.FromMinutes(1));

        Assert.Equal(1, space.Sweep(now));
        Assert.True(Directory.Exists(fresh));
        Assert.False(Directory.Exists(Path.GetDirectoryName(old)));
    }

    [Fact]
    public void Stopping_removes_this_process_folders_and_its_lock()
    {
        var space = Space();
        var folder = space.CreateFolder("scan-2");
        var lockFile = Path.Combine(space.Root, "owners", space.Token + ".lock");
        Assert.True(File.Exists(lockFile));
        space.Dispose();
        Assert.False(Directory.Exists(folder.Path));
        Assert.False(Directory.Exists(Path.Combine(space.Root, space.Token)));
        Assert.False(File.Exists(lockFile));
    }
}
