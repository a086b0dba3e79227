namespace Gatehouse.Analysis.Images;

/// <summary>What a layer tar entry is.</summary>
public enum LayerEntryType { File, Directory, Symlink, Hardlink, CharDevice, BlockDevice, Fifo, Other }

/// <summary>
/// One entry of one layer's tar, as the layer walk saw it (before whiteouts are applied). Whiteout markers
/// (<c>.wh.name</c>, <c>.wh..wh..opq</c>) are kept as entries of their own (<see cref="IsWhiteout"/>, <see cref="IsOpaqueMarker"/>),
/// so the merge can apply them.
/// </summary>
/// <param name="Layer">Index of the layer (0 = base).</param>
/// <param name="Path">Normalised relative path (<c>usr/bin/su</c>: no leading <c>./</c> or <c>/</c>, no trailing slash).</param>
/// <param name="Mode">Permission bits including setuid (04000), setgid (02000) and sticky (01000).</param>
public sealed record LayerEntry(int Layer, string Path, LayerEntryType Type, int Mode, int Uid, int Gid, long Size, string? LinkTarget)
{
    public string Name => Path[(Path.LastIndexOf('/') + 1)..];
    public bool IsWhiteout => Name.StartsWith(".wh.", StringComparison.Ordinal) && !IsOpaqueMarker;
    public bool IsOpaqueMarker => Name == ".wh..wh..opq";
}

/// <summary>
/// What the image expander learnt about the image of one scan, for the artifact analyzers that run after the walk (image
/// checks, package attribution). One per scan, created by the pipeline and handed to every analyzer through
/// <c>AnalysisContext.Image</c>; set by the expander, null members when the artifact is no image.
/// </summary>
public sealed class ImageFacts
{
    private readonly List<LayerEntry> _entries = [];

    /// <summary>The image, once the expander has opened it; null when the artifact is not an image (or could not be read).</summary>
    public ContainerImage? Image { get; set; }

    /// <summary>The exact config bytes (secrets in ENV, labels and history are searched in them).</summary>
    public ReadOnlyMemory<byte> ConfigBytes { get; set; }

    /// <summary>
    /// The path prefix of each layer's members in findings and packages (<c>image.tar!/sha256:&lt;hex&gt;</c>), by layer index:
    /// a member <c>{prefix}!/etc/passwd</c> is <c>etc/passwd</c> of that layer.
    /// </summary>
    public IList<string> LayerPaths { get; } = new List<string>();

    /// <summary>False when some layer could not be walked whole (limits, corruption): checks over the merged filesystem are then incomplete.</summary>
    public bool LayersComplete { get; set; } = true;

    /// <summary>
    /// Small files whose content the image checks read (<see cref="CapturedPaths"/>), by (layer, normalised path); the
    /// expander keeps each up to <see cref="MaxCapturedBytes"/> as text. The final filesystem's copy is the one of the layer
    /// <see cref="ImageFilesystem.Get"/> names.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentDictionary<(int Layer, string Path), string> Files { get; } = new();

    /// <summary>Paths whose content is captured into <see cref="Files"/>.</summary>
    public static readonly IReadOnlySet<string> CapturedPaths = new HashSet<string>(StringComparer.Ordinal)
    {
        "etc/os-release", "usr/lib/os-release", "etc/debian_version", "etc/alpine-release", "etc/redhat-release",
        "etc/lsb-release", "etc/passwd", "etc/shadow", "etc/group",
    };

    /// <summary>Largest captured file (64 KiB); longer ones are cut.</summary>
    public const int MaxCapturedBytes = 64 << 10;

    /// <summary>Adds an entry (the layer walk, from one thread at a time per layer).</summary>
    public void Add(LayerEntry entry)
    {
        lock (_entries) _entries.Add(entry);
    }

    /// <summary>Every entry of every layer, in layer order then tar order.</summary>
    public IReadOnlyList<LayerEntry> Entries
    {
        get { lock (_entries) return _entries.OrderBy(e => e.Layer).ToList(); }
    }
}
