namespace Gatehouse.Analysis.Images.Reading;

/// <summary>
/// Where an image's files are: an OCI layout folder or an image tar. Callers ask for exact names only (the layout's
/// fixed names, <c>blobs/sha256/&lt;hex&gt;</c> for a validated digest, docker-archive paths validated by
/// <see cref="ImageDigests.IsSafeRelativePath"/>); nothing here builds a path from a name it was not asked for.
/// </summary>
internal abstract class ImageStore : IDisposable
{
    /// <summary>Opens the regular file <paramref name="name"/>; null when it does not exist (or is no regular file).</summary>
    public abstract Stream? Open(string name);

    /// <summary>Opens <c>blobs/sha256/&lt;hex&gt;</c> for an already validated digest.</summary>
    public Stream? OpenBlob(string digest) => Open("blobs/sha256/" + digest["sha256:".Length..]);

    public virtual void Dispose() { }
}

/// <summary>An OCI image layout folder. Blobs that are symlinks or not regular files are refused (a symlink could point anywhere on the host).</summary>
internal sealed class FolderImageStore(string root) : ImageStore
{
    public override Stream? Open(string name)
    {
        // Only the layout's own names reach this method: "oci-layout", "index.json", "blobs/sha256/<64 hex>".
        var parts = name.Split('/');
        var path = root;
        for (var i = 0; i < parts.Length; i++)
        {
            path = Path.Combine(path, parts[i]);
            FileSystemInfo info = i == parts.Length - 1 ? new FileInfo(path) : new DirectoryInfo(path);
            if (!info.Exists)
            {
                if (info is FileInfo && Directory.Exists(path)) throw new ImageException("image.unreadable", $"{name} in the layout is not a regular file");
                return null;
            }
            if (info.LinkTarget is not null) throw new ImageException("image.unreadable", $"{name} in the layout is a symbolic link");
        }
        var file = new FileInfo(path);
        if ((file.Attributes & (FileAttributes.Device | FileAttributes.Directory | FileAttributes.ReparsePoint)) != 0)
            throw new ImageException("image.unreadable", $"{name} in the layout is not a regular file");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
    }
}

/// <summary>An image tar (OCI layout tar or docker-archive), indexed once; members are read in place.</summary>
internal sealed class TarImageStore : ImageStore
{
    private readonly string _path;
    private readonly string? _ownedTemp;

    public TarImageStore(string path, TarIndex index, string? ownedTemp)
    {
        _path = path;
        Index = index;
        _ownedTemp = ownedTemp;
    }

    public TarIndex Index { get; }

    /// <summary>The decompressed temp file this store deletes on dispose, if any.</summary>
    public string? OwnedTemp => _ownedTemp;

    public override Stream? Open(string name)
    {
        var member = Index.Regular(name);
        if (member is null)
        {
            if (Index.Duplicates.Contains(name)) throw new ImageException("image.unreadable", $"the image tar holds {name} more than once");
            if (Index.Members.TryGetValue(name, out var other) && !other.IsRegular)
                throw new ImageException("image.unreadable", $"{name} in the image tar is not a regular file (links are not followed)");
            return null;
        }
        var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.None);
        return new SubStream(file, member.Offset, member.Length);
    }

    public override void Dispose()
    {
        if (_ownedTemp is not null)
        {
            try { File.Delete(_ownedTemp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
