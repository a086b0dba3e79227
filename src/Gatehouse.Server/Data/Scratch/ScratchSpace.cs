using System.Security.Cryptography;

namespace Gatehouse.Server.Data.Scratch;

/// <summary>
/// The server's private working space, <c>{DataDirectory}/scratch</c> (0700), instead of the shared temp folder: a
/// scan copies the artifact and extracts its members here (<see cref="CreateFolder"/>), and removes its folder when it
/// ends. Layout: <c>scratch/{owner token}/{purpose}-{random}/</c> (folders 0700, files 0600), with this process's lock
/// in <c>scratch/owners/{owner token}.lock</c> (<see cref="OwnerLock"/>).
/// </summary>
/// <remarks>
/// What a killed process left is removed by <see cref="Sweep"/> at the next start-up, before any worker runs. Several
/// processes may share a data folder (<c>Gatehouse:Roles</c>, docs/operations.md), so the sweep deletes an owner's
/// folder only when that owner is known dead (its lock is free), never a live one's, whatever its age; a folder whose
/// owner cannot be known (no lock file, or a file system without locks) only once nothing in it changed for
/// <see cref="OrphanAge"/>, far longer than any scan may run.
/// </remarks>
internal sealed class ScratchSpace : IDisposable
{
    /// <summary>The folder's name under the data folder.</summary>
    public const string FolderName = "scratch";

    /// <summary>How long a folder of an unknown owner must lie untouched before a sweep removes it.</summary>
    public static readonly TimeSpan OrphanAge = TimeSpan.FromDays(1);

    private const string OwnersFolder = "owners";
    private readonly string _root;
    private readonly string _owners;
    private readonly string _mine;
    private readonly OwnerLock _owner;
    private readonly ILogger<ScratchSpace> _logger;

    public ScratchSpace(string dataDirectory, ILogger<ScratchSpace> logger)
    {
        _logger = logger;
        _root = Path.Combine(Path.GetFullPath(dataDirectory), FolderName);
        PrivateFolders.Ensure(_root);
        _owners = Path.Combine(_root, OwnersFolder);
        _owner = OwnerLock.Hold(_owners, OwnerLock.NewToken());
        _mine = Path.Combine(_root, _owner.Token);
    }

    /// <summary><c>{DataDirectory}/scratch</c>.</summary>
    public string Root => _root;

    /// <summary>This process's owner token: its folders are under <c>{Root}/{Token}</c>.</summary>
    public string Token => _owner.Token;

    /// <summary>
    /// A new, empty folder (0700) for one piece of work, e.g. <c>scan-{id}</c>; dispose it when the work ends, however
    /// it ends, to delete it with everything in it.
    /// </summary>
    /// <param name="purpose">Letters, digits and <c>-</c>: shown in the folder's name for people reading it.</param>
    public ScratchFolder CreateFolder(string purpose)
    {
        if (string.IsNullOrEmpty(purpose) || purpose.Length > 80 || !purpose.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            throw new ArgumentException("purpose: letters, digits and '-' only", nameof(purpose));
        PrivateFolders.Ensure(_mine);
        var path = Path.Combine(_mine, $"{purpose}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, PrivateFolders.FolderMode);
        return new ScratchFolder(path, _logger);
    }

    /// <summary>
    /// Removes what dead processes left: every owner folder whose owner's lock is free, and folders of unknown owners
    /// untouched for <see cref="OrphanAge"/>; then the lock files of dead owners. Live owners' folders are kept.
    /// Returns how many owner folders were removed.
    /// </summary>
    public int Sweep(DateTimeOffset now)
    {
        var removed = 0;
        foreach (var dir in new DirectoryInfo(_root).EnumerateDirectories())
        {
            if (dir.Name == OwnersFolder || dir.Name == _owner.Token) continue;
            var status = OwnerLock.Probe(_owners, dir.Name, out var claim);
            using (claim)
            {
                var delete = status switch
                {
                    OwnerStatus.Dead => true,
                    OwnerStatus.Alive => false,
                    _ => now - NewestWrite(dir) >= OrphanAge,
                };
                if (!delete) continue;
                try
                {
                    dir.Delete(recursive: true);
                    removed++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _logger.LogWarning(e, "Could not remove the scratch folder {Folder} of a dead process", dir.FullName);
                }
            }
        }
        OwnerLock.RemoveDeadOwners(_owners, now);
        if (removed > 0) _logger.LogInformation("Removed {Count} scratch folders of processes that ended without cleaning up, from {Dir}", removed, _root);
        return removed;
    }

    /// <summary>The latest write time of the folder or anything in it: a running scan keeps touching its files.</summary>
    private static DateTimeOffset NewestWrite(DirectoryInfo dir)
    {
        var newest = dir.LastWriteTimeUtc;
        try
        {
            foreach (var entry in dir.EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
                if (entry.LastWriteTimeUtc > newest) newest = entry.LastWriteTimeUtc;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return DateTimeOffset.MaxValue; // cannot tell: keep it
        }
        return new DateTimeOffset(newest, TimeSpan.Zero);
    }

    /// <summary>At shutdown: this process's folders (nothing should be left), then its lock.</summary>
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_mine)) Directory.Delete(_mine, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Could not remove the scratch folder {Folder}", _mine);
        }
        _owner.Dispose();
    }
}
