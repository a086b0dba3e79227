using Gatehouse.Analysis.Images.Reading;

namespace Gatehouse.Analysis.Images;

public sealed partial class ImageArchive
{
    /// <summary>
    /// Packs the OCI image layout folder <paramref name="folder"/> into a deterministic tar at <paramref name="destination"/>
    /// (created 0600): only the layout's own files (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/&lt;64 hex&gt;</c>),
    /// sorted by name, mode 0644, owner 0:0, mtime 0, so the same layout always gives the same bytes and the same SHA-256.
    /// Other files are left out; a layout file that is a symlink or no regular file is <c>image.unreadable</c>; more than
    /// the policy's image size is <c>image.limit</c>.
    /// </summary>
    public static void PackLayout(string folder, string destination, ImagePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(policy);
        var store = new FolderImageStore(Path.GetFullPath(folder));
        var names = new List<string> { "index.json", "oci-layout" };
        var blobs = Path.Combine(folder, "blobs", "sha256");
        if (Directory.Exists(blobs))
            names.AddRange(Directory.EnumerateFileSystemEntries(blobs).Select(Path.GetFileName)
                .Where(n => ImageDigests.IsValid("sha256:" + n)).Select(n => "blobs/sha256/" + n));
        names.Sort(StringComparer.Ordinal);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var limit = policy.MaxImageBytes + DecompressionSlack;
        long total = 0;
        try
        {
            using var output = new FileStream(destination, options);
            var tar = new LayoutTarWriter(output);
            foreach (var name in names)
            {
                using var file = store.Open(name) ?? throw new ImageException("image.unreadable", $"the layout has no {name}");
                total += file.Length;
                if (total > limit) throw new ImageException("image.limit", $"the layout's files add up to more than {limit} bytes");
                tar.AddAsync(name, file, file.Length, CancellationToken.None).GetAwaiter().GetResult();
            }
            tar.FinishAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch
        {
            try { File.Delete(destination); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
