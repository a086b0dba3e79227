namespace Gatehouse.Server.Data.Scratch;

/// <summary>
/// One piece of work's private folder under <see cref="ScratchSpace"/> (0700). Create files in it with
/// <see cref="PrivateFolders.CreateNew"/> (0600). Disposing deletes it with everything in it; what a killed process
/// could not delete is swept at the next start.
/// </summary>
internal sealed class ScratchFolder : IDisposable
{
    private readonly ILogger _logger;

    internal ScratchFolder(string path, ILogger logger)
    {
        Path = path;
        _logger = logger;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path for a file named <paramref name="name"/> (a fixed name of ours, never one from the artifact).</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(e, "Could not remove the scratch folder {Folder}; it is swept at the next start", Path);
        }
    }
}
