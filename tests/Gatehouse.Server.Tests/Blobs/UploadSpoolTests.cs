using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Data.Scratch;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Tests.Blobs;

/// <summary>
/// Upload spool files (<c>{Blobs:Path}/tmp/*.part</c>) are private while written, and the start-up sweep deletes a dead
/// writer's at once but never a live writer's (another process on the same folder), on a real file system.
/// </summary>
public sealed class UploadSpoolTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gatehouse-spool-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Tmp => Path.Combine(_root, "tmp");

    private FileSystemBlobStore Store() =>
        new(Options.Create(new BlobStoreOptions { Path = _root, MaxBytes = 1 << 20 }), NullLogger<FileSystemBlobStore>.Instance);

    [Fact]
    public async Task An_upload_is_spooled_to_a_file_only_its_owner_can_read_named_for_its_writer()
    {
        using var store = Store();
        string? seen = null;
        UnixFileMode mode = default;
        var body = new ObservedStream(200_000, () =>
        {
            seen = Assert.Single(Directory.EnumerateFiles(Tmp, "*.part"));
            mode = File.GetUnixFileMode(seen);
        });
        await store.PutAsync(body, CancellationToken.None);

        Assert.NotNull(seen);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Tmp));
        var token = UploadSpool.TokenOf(Path.GetFileName(seen));
        Assert.NotNull(token);
        Assert.Equal(OwnerStatus.Alive, OwnerLock.Probe(Path.Combine(Tmp, "owners"), token, out _));
        Assert.Empty(Directory.EnumerateFiles(Tmp, "*.part"));
    }

    [Fact]
    public void A_restart_deletes_a_dead_writers_spool_files_at_once_and_keeps_a_live_writers_however_old()
    {
        // A writer killed mid-upload a moment ago: its lock file is there, nobody holds it.
        var deadToken = OwnerLock.NewToken();
        Directory.CreateDirectory(Path.Combine(Tmp, "owners"));
        File.WriteAllBytes(Path.Combine(Tmp, "owners", deadToken + ".lock"), []);
        var deadPart = Path.Combine(Tmp, $"{deadToken}_0123456789abcdef0123456789abcdef.part");
        File.WriteAllBytes(deadPart, new byte[100]);
        // Another live process on the same folder, with an upload it has not touched for two hours (a slow client).
        using var live = OwnerLock.Hold(Path.Combine(Tmp, "owners"), OwnerLock.NewToken());
        var livePart = Path.Combine(Tmp, $"{live.Token}_fedcba9876543210fedcba9876543210.part");
        File.WriteAllBytes(livePart, new byte[100]);
        File.SetLastWriteTimeUtc(livePart, TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(-2));

        using var restarted = Store();
        Assert.Equal(1, restarted.CleanStaleTemporaryFiles(TimeSpan.FromHours(1), TimeProvider.System.GetUtcNow()));

        Assert.False(File.Exists(deadPart));
        Assert.False(File.Exists(Path.Combine(Tmp, "owners", deadToken + ".lock")));
        Assert.True(File.Exists(livePart));
        Assert.True(File.Exists(live.Path));
    }

    [Fact]
    public void A_spool_file_whose_writer_cannot_be_known_is_deleted_only_once_old()
    {
        using var store = Store();
        var now = TimeProvider.System.GetUtcNow();
        // Named for an owner that left no lock file (or by an older version): only age can tell.
        var old = Path.Combine(Tmp, "host-9-aaaaaaaaaaaa_00000000000000000000000000000000.part");
        var fresh = Path.Combine(Tmp, "host-9-aaaaaaaaaaaa_11111111111111111111111111111111.part");
        File.WriteAllBytes(old, [1]);
        File.WriteAllBytes(fresh, [2]);
        File.SetLastWriteTimeUtc(old, now.UtcDateTime.AddHours(-2));

        Assert.Equal(1, store.CleanStaleTemporaryFiles(TimeSpan.FromHours(1), now));
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
    }

    [Theory]
    [InlineData("deadbeef.part", null)]
    [InlineData("host-1-abcdefabcdef_0123.part", "host-1-abcdefabcdef")]
    [InlineData("../x_0123.part", null)]
    [InlineData("_0123.part", null)]
    public void The_writer_of_a_spool_file_is_read_from_its_name(string name, string? token) =>
        Assert.Equal(token, UploadSpool.TokenOf(name));

    /// <summary>Yields zeros; calls <c>observe</c> once, half-way, while the store is writing its spool file.</summary>
    private sealed class ObservedStream(long length, Action observe) : ReadOnlyTestStream
    {
        private bool _observed;
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Given >= length / 2 && !_observed)
            {
                _observed = true;
                observe();
            }
            var n = (int)Math.Min(Math.Min(count, 16_384), length - Given);
            Array.Clear(buffer, offset, n);
            Given += n;
            return n;
        }
    }
}
