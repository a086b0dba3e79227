using System.Security.Cryptography;
using Gatehouse.Server.Data.Scratch;

namespace Gatehouse.Server.Data.Blobs;

/// <summary>
/// The <c>{Blobs:Path}/tmp</c> folder (0700) where both blob stores spool an upload while it is hashed and counted.
/// Each spool file is <c>{owner token}_{32 hex}.part</c>, mode 0600, and this process holds the lock of its token in
/// <c>tmp/owners/</c> (<see cref="OwnerLock"/>). So the start-up sweep deletes at once the spool files of a process
/// that died mid-upload (its lock is free), never those of a live process sharing the folder (another worker, another
/// machine on the same NFS export), and keeps the age rule only for files whose owner cannot be known (an older
/// version's <c>&lt;hex&gt;.part</c>, or a file system without locks).
/// </summary>
internal sealed class UploadSpool : IDisposable
{
    private const string PartSuffix = ".part";
    private readonly string _directory;
    private readonly string _owners;
    private readonly OwnerLock _owner;

    /// <param name="directory">The spool folder, created (or narrowed to) 0700.</param>
    public UploadSpool(string directory)
    {
        _directory = directory;
        PrivateFolders.Ensure(directory);
        _owners = Path.Combine(directory, "owners");
        _owner = OwnerLock.Hold(_owners, OwnerLock.NewToken());
    }

    public string Directory => _directory;

    /// <summary>This process's owner token, the prefix of its spool files.</summary>
    public string Token => _owner.Token;

    /// <summary>A new spool file's path (not yet created; create it with <see cref="PrivateFolders.CreateNew"/>).</summary>
    public string NewPartPath() => Path.Combine(_directory, $"{_owner.Token}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}{PartSuffix}");

    /// <summary>
    /// Deletes the spool files of dead owners, and those of unknown owners last written longer than
    /// <paramref name="unknownOlderThan"/> ago; keeps those of live owners, however old. Returns how many were deleted.
    /// </summary>
    public int Sweep(TimeSpan unknownOlderThan, DateTimeOffset now)
    {
        var removed = 0;
        var parts = new DirectoryInfo(_directory).EnumerateFiles("*" + PartSuffix).GroupBy(f => TokenOf(f.Name), StringComparer.Ordinal);
        foreach (var group in parts)
        {
            OwnerLock? claim = null;
            var status = group.Key is null ? OwnerStatus.Unknown : OwnerLock.Probe(_owners, group.Key, out claim);
            using (claim)
            {
                foreach (var f in group)
                {
                    var delete = status switch
                    {
                        OwnerStatus.Dead => true,
                        OwnerStatus.Alive => false,
                        _ => now - f.LastWriteTimeUtc >= unknownOlderThan,
                    };
                    if (delete && TryDelete(f.FullName)) removed++;
                }
            }
        }
        OwnerLock.RemoveDeadOwners(_owners, now);
        return removed;
    }

    /// <summary>The owner token of a spool file's name, or null for a name without one.</summary>
    internal static string? TokenOf(string fileName)
    {
        var stem = fileName.EndsWith(PartSuffix, StringComparison.Ordinal) ? fileName[..^PartSuffix.Length] : fileName;
        var cut = stem.LastIndexOf('_');
        if (cut <= 0) return null;
        var token = stem[..cut];
        return OwnerLock.IsToken(token) ? token : null;
    }

    internal static bool TryDelete(string path)
    {
        try { File.Delete(path); return true; }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Releases this process's lock (deleting its lock file); its spool files are deleted by their writers.</summary>
    public void Dispose() => _owner.Dispose();
}
