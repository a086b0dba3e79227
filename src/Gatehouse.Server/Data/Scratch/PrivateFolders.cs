namespace Gatehouse.Server.Data.Scratch;

/// <summary>
/// Folders and files for content nobody else on the machine may read (scan scratch, upload spool files): folders
/// 0700, files 0600, whatever the umask (issue 14: unpublished vendor files were left world-readable in /tmp).
/// </summary>
internal static class PrivateFolders
{
    /// <summary>0700.</summary>
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>0600.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates <paramref name="path"/> (and missing parents) with mode 0700; an existing folder that others may enter
    /// is narrowed to 0700 (one made by an older version, or by hand).
    /// </summary>
    public static void Ensure(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, FolderMode);
            return;
        }
        if ((File.GetUnixFileMode(path) & ~FolderMode) != 0) File.SetUnixFileMode(path, FolderMode);
    }

    /// <summary>Options that create a new file (never open an existing one) with mode 0600.</summary>
    public static FileStreamOptions CreateNew(FileAccess access = FileAccess.Write, FileOptions options = FileOptions.Asynchronous, int bufferSize = 4096) => new()
    {
        Mode = System.IO.FileMode.CreateNew,
        Access = access,
        Options = options,
        BufferSize = bufferSize,
        UnixCreateMode = OperatingSystem.IsWindows() ? null : FileMode,
    };
}
