namespace Gatehouse.Analysis.Pipeline;

/// <summary>
/// Files and folders the engine writes (extracted members, spill files) hold unpublished vendor content: they are
/// created readable by their owner only (0600 files, 0700 folders), whatever the umask, so that no other local user
/// can read them even while a scan runs (issue 14).
/// </summary>
internal static class PrivateFiles
{
    /// <summary>Owner read and write: 0600.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Owner read, write and search: 0700.</summary>
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Options that create a new file (never open an existing one) with mode 0600.</summary>
    public static FileStreamOptions CreateNew(FileAccess access, FileShare share = FileShare.Read, int bufferSize = 4096, FileOptions options = FileOptions.None) => new()
    {
        Mode = System.IO.FileMode.CreateNew,
        Access = access,
        Share = share,
        BufferSize = bufferSize,
        Options = options,
        UnixCreateMode = OperatingSystem.IsWindows() ? null : FileMode,
    };

    /// <summary>Creates <paramref name="path"/> (and missing parents) with mode 0700; an existing folder is left as it is.</summary>
    public static void EnsureFolder(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, FolderMode);
    }
}
