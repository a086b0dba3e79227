using System.Security.Cryptography;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Tests.Data;

/// <summary>The content-addressed store on a real file system (a temp folder per test).</summary>
public sealed class FileSystemBlobStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gatehouse-blobs-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private FileSystemBlobStore Store(long max = 1 << 20) =>
        new(Options.Create(new BlobStoreOptions { Path = _root, MaxBytes = max }), NullLogger<FileSystemBlobStore>.Instance);

    private IEnumerable<string> VisibleBlobs() => Directory.EnumerateFiles(Path.Combine(_root, "sha256"), "*", SearchOption.AllDirectories);
    private IEnumerable<string> TempFiles() => Directory.EnumerateFiles(Path.Combine(_root, "tmp"));

    [Fact]
    public async Task A_blob_is_named_by_the_sha256_of_its_content_and_reads_back_identically()
    {
        var content = RandomNumberGenerator.GetBytes(300_000);
        var blob = await Store().PutAsync(new MemoryStream(content), CancellationToken.None);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(content)), blob.Digest);
        Assert.Equal(content.Length, blob.Length);
        await using var read = await Store().OpenReadAsync(blob.Digest, CancellationToken.None);
        using var copy = new MemoryStream();
        await read!.CopyToAsync(copy);
        Assert.Equal(content, copy.ToArray());
    }

    [Fact]
    public async Task The_same_content_twice_is_stored_once()
    {
        var content = RandomNumberGenerator.GetBytes(1000);
        var a = await Store().PutAsync(new MemoryStream(content), CancellationToken.None);
        var b = await Store().PutAsync(new MemoryStream(content), CancellationToken.None);
        Assert.Equal(a, b);
        Assert.Single(VisibleBlobs());
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task A_write_interrupted_half_way_leaves_no_visible_blob_and_no_temp_file()
    {
        var ex = await Assert.ThrowsAsync<IOException>(() => Store().PutAsync(new BreakingStream(200_000), CancellationToken.None));
        Assert.Contains("reset", ex.Message, StringComparison.Ordinal);
        Assert.Empty(VisibleBlobs());
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task A_cancelled_write_leaves_no_visible_blob()
    {
        using var cts = new CancellationTokenSource();
        var slow = new SlowStream(cts);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store().PutAsync(slow, cts.Token));
        Assert.Empty(VisibleBlobs());
        Assert.Empty(TempFiles());
    }

    /// <summary>Cancels its reader's token after the first chunk.</summary>
    private sealed class SlowStream(CancellationTokenSource cts) : Stream
    {
        private int _reads;
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (++_reads == 2) cts.Cancel();
            buffer.Span[..1000].Fill(7);
            return ValueTask.FromResult(1000);
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get; set; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Content_over_the_size_limit_is_refused_and_nothing_is_kept()
    {
        var ex = await Assert.ThrowsAsync<BlobTooLargeException>(() =>
            Store(max: 10_000).PutAsync(new MemoryStream(new byte[10_001]), CancellationToken.None));
        Assert.Equal(10_000, ex.Limit);
        Assert.Empty(VisibleBlobs());
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task Content_exactly_at_the_size_limit_is_accepted()
    {
        var blob = await Store(max: 10_000).PutAsync(new MemoryStream(new byte[10_000]), CancellationToken.None);
        Assert.Equal(10_000, blob.Length);
    }

    [Theory]
    [InlineData("sha256:../../../../etc/passwd")]
    [InlineData("sha256:0000000000000000000000000000000000000000000000000000000000000000/../x")]
    [InlineData("sha256:ABCDEF0000000000000000000000000000000000000000000000000000000000")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("")]
    public async Task A_digest_that_is_not_64_lower_case_hex_digits_never_reaches_the_file_system(string digest)
    {
        Assert.Null(await Store().OpenReadAsync(digest, CancellationToken.None));
        Assert.False(await Store().ExistsAsync(digest, CancellationToken.None));
        Assert.False(await Store().DeleteAsync(digest, CancellationToken.None));
    }

    [Fact]
    public async Task Temp_files_left_by_a_crash_are_cleaned_once_they_are_old()
    {
        var store = Store();
        var orphan = Path.Combine(_root, "tmp", "deadbeef.part");
        await File.WriteAllBytesAsync(orphan, new byte[100]);
        File.SetLastWriteTimeUtc(orphan, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var fresh = Path.Combine(_root, "tmp", "inflight.part");
        await File.WriteAllBytesAsync(fresh, new byte[100]);
        File.SetLastWriteTimeUtc(fresh, new DateTime(2026, 6, 1, 11, 30, 0, DateTimeKind.Utc));

        var removed = store.CleanStaleTemporaryFiles(TimeSpan.FromHours(1), new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, removed);
        Assert.False(File.Exists(orphan));
        Assert.True(File.Exists(fresh)); // a write still in progress is left alone
        Assert.Empty(VisibleBlobs());
    }

    [Fact]
    public async Task Blobs_are_not_readable_by_other_users()
    {
        var blob = await Store().PutAsync(new MemoryStream([1, 2, 3]), CancellationToken.None);
        var file = Assert.Single(VisibleBlobs());
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(file) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite));
        Assert.EndsWith(blob.Digest["sha256:".Length..], file, StringComparison.Ordinal);
    }
}
