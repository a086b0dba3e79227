using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Gatehouse.Server.Data.Scratch;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Data.Blobs;

/// <summary>
/// Blobs as files under <c>{root}/sha256/ab/abcd…</c>. A write goes to <c>{root}/tmp</c> (<see cref="UploadSpool"/>:
/// 0600, named with this process's owner token), is hashed while streamed, fsync'd, then renamed into place (atomic on
/// one file system) and the folder is fsync'd, so a crash or an interrupted upload never leaves a visible partial blob.
/// </summary>
internal sealed partial class FileSystemBlobStore : IBlobStore, IDisposable
{
    /// <summary>A stored blob's mode: 0640, as before spool files became 0600 (group read for backup tools).</summary>
    private const UnixFileMode StoredMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    private const int BufferSize = 128 * 1024;
    private readonly string _root;
    private readonly string _tmp;
    private readonly long _maxBytes;
    private readonly ILogger<FileSystemBlobStore> _logger;
    private readonly UploadSpool _spool;

    public FileSystemBlobStore(IOptions<BlobStoreOptions> options, ILogger<FileSystemBlobStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _root = System.IO.Path.GetFullPath(options.Value.Path ?? throw new InvalidOperationException("Blobs:Path is not set"));
        _tmp = System.IO.Path.Combine(_root, "tmp");
        _maxBytes = options.Value.MaxBytes;
        _logger = logger;
        Directory.CreateDirectory(_root);
        _spool = new UploadSpool(_tmp);
        Directory.CreateDirectory(System.IO.Path.Combine(_root, "sha256"));
    }

    public string Root => _root;

    public async Task<BlobRef> PutAsync(Stream content, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var tempPath = _spool.NewPartPath();
        try
        {
            long length = 0;
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(tempPath, PrivateFolders.CreateNew(FileAccess.Write, FileOptions.Asynchronous, bufferSize: 0)))
            {
                var buffer = new byte[BufferSize];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    length += read;
                    if (length > _maxBytes) throw new BlobTooLargeException(_maxBytes);
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                file.Flush(flushToDisk: true);
            }
            // Complete and verified: now it may get a stored blob's mode (the rename keeps it).
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tempPath, StoredMode);

            var digest = BlobDigest.Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
            var finalPath = PathFor(digest);
            var dir = System.IO.Path.GetDirectoryName(finalPath)!;
            Directory.CreateDirectory(dir);
            if (File.Exists(finalPath))
            {
                File.Delete(tempPath); // same content already stored
                return new BlobRef(digest, length);
            }
            try
            {
                File.Move(tempPath, finalPath, overwrite: false);
            }
            catch (IOException) when (File.Exists(finalPath))
            {
                File.Delete(tempPath); // a concurrent writer stored the same content
            }
            FsyncDirectory(dir);
            return new BlobRef(digest, length);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    public Task<Stream?> OpenReadAsync(string digest, CancellationToken ct)
    {
        if (!BlobDigest.IsValid(digest)) return Task.FromResult<Stream?>(null);
        var path = PathFor(digest);
        try
        {
            Stream s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult<Stream?>(s);
        }
        catch (FileNotFoundException) { return Task.FromResult<Stream?>(null); }
        catch (DirectoryNotFoundException) { return Task.FromResult<Stream?>(null); }
    }

    public Task<long?> GetLengthAsync(string digest, CancellationToken ct)
    {
        if (!BlobDigest.IsValid(digest)) return Task.FromResult<long?>(null);
        var info = new FileInfo(PathFor(digest));
        return Task.FromResult<long?>(info.Exists ? info.Length : null);
    }

    public async Task<Stream?> OpenRangeAsync(string digest, long offset, long length, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var s = await OpenReadAsync(digest, ct);
        if (s is null) return null;
        s.Seek(offset, SeekOrigin.Begin);
        return new RangeReadStream(s, length);
    }

    public Task<bool> ExistsAsync(string digest, CancellationToken ct) =>
        Task.FromResult(BlobDigest.IsValid(digest) && File.Exists(PathFor(digest)));

    public Task<bool> DeleteAsync(string digest, CancellationToken ct)
    {
        if (!BlobDigest.IsValid(digest)) return Task.FromResult(false);
        var path = PathFor(digest);
        if (!File.Exists(path)) return Task.FromResult(false);
        File.Delete(path);
        return Task.FromResult(true);
    }

    /// <summary>
    /// Removes temp files left by a crash: at once those of a dead writer, those whose writer cannot be known once
    /// older than <paramref name="olderThan"/>; never those of a live writer (<see cref="UploadSpool.Sweep"/>).
    /// </summary>
    public int CleanStaleTemporaryFiles(TimeSpan olderThan, DateTimeOffset now)
    {
        var removed = _spool.Sweep(olderThan, now);
        if (removed > 0) _logger.LogInformation("Removed {Count} interrupted blob writes from {Dir}", removed, _tmp);
        return removed;
    }

    /// <summary>Releases this process's spool lock.</summary>
    public void Dispose() => _spool.Dispose();

    /// <summary>Only ever called with a validated digest: the path is built from hex digits alone.</summary>
    private string PathFor(string digest)
    {
        var hex = digest[BlobDigest.Prefix.Length..];
        return System.IO.Path.Combine(_root, "sha256", hex[..2], hex);
    }

    private static bool TryDelete(string path)
    {
        try { File.Delete(path); return true; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Makes the rename durable: POSIX requires an fsync of the containing directory.</summary>
    private static void FsyncDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Open(dir, 0 /* O_RDONLY */);
        if (fd < 0) return;
        try { _ = Fsync(fd); }
        finally { _ = Close(fd); }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
