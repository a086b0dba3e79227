using System.Collections.Concurrent;
using Gatehouse.Analysis.Vulnerabilities.Catalogers;

namespace Gatehouse.Analysis.Vulnerabilities.Packages;

/// <summary>
/// The packages one scan found, filled by the <c>dependencies</c> file analyzer as the walker hands it files (from several
/// threads at once) and read once the walk is over by the artifact analyzers (vulnerability matching) and by whoever writes
/// the SBOM. One per scan: the pipeline creates it and hands it to analyzers through <c>AnalysisContext.Packages</c>.
/// <para>
/// OS packages (deb, apk, rpm) need the distribution they belong to, which another file of the same system root says
/// (<see cref="Distro.ReleaseFiles"/>). Files arrive in any order, so the inventory also keeps those release files
/// (<see cref="AddReleaseFile"/>) and <see cref="Snapshot"/> resolves each OS package against the release files of its own
/// root (<c>x.tar!/var/lib/dpkg/status</c> with <c>x.tar!/etc/os-release</c>): purl namespace, <c>distro</c> qualifier
/// and OSV ecosystem with its release. Thread-safe.
/// </para>
/// </summary>
public sealed class PackageInventory
{
    private static readonly HashSet<string> OsTypes = new(StringComparer.Ordinal) { "deb", "apk", "rpm" };

    private readonly ConcurrentQueue<CatalogedPackage> _packages = new();

    // (system root, release file relative to it) → its text; the first one seen wins (a root has one of each).
    private readonly ConcurrentDictionary<(string Root, string File), string> _releaseFiles = new();

    /// <summary>Adds a package a cataloger found.</summary>
    public void Add(CatalogedPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        _packages.Enqueue(package);
    }

    /// <summary>
    /// Keeps a distribution release file (<paramref name="path"/> ends with one of <see cref="Distro.ReleaseFiles"/>:
    /// <c>etc/os-release</c>, <c>usr/lib/os-release</c>, <c>etc/debian_version</c>, <c>etc/alpine-release</c>) for
    /// resolving the OS packages of the same root; false when the path is none of them.
    /// </summary>
    public bool AddReleaseFile(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        if (Distro.RootOf(path, Distro.ReleaseFiles) is not { } at) return false;
        if (text.Length > OsRelease.MaxBytes) text = text[..OsRelease.MaxBytes];
        _releaseFiles.TryAdd((at.Root, at.Suffix), text);
        return true;
    }

    /// <summary>
    /// Every package added so far, in a stable order (purl, then declaring path), duplicates from one file removed, OS
    /// packages resolved against the distribution of their root, and a <c>go.sum</c> entry left out where the
    /// <c>go.mod</c> beside it names the module (go.sum only fills in what an old go.mod does not list).
    /// </summary>
    public IReadOnlyList<CatalogedPackage> Snapshot()
    {
        var distros = new Dictionary<string, Distro?>(StringComparer.Ordinal);
        var all = _packages.ToArray();
        var goModModules = all.Where(p => p.Ecosystem == "Go" && p.DeclaredIn.EndsWith("go.mod", StringComparison.Ordinal))
            .Select(p => (Folder(p.DeclaredIn), p.Name)).ToHashSet();
        return all
            .Where(p => !(p.Ecosystem == "Go" && p.DeclaredIn.EndsWith("go.sum", StringComparison.Ordinal) && goModModules.Contains((Folder(p.DeclaredIn), p.Name))))
            .Select(p => OsTypes.Contains(p.Purl.Type) ? Resolve(p, distros) : p)
            .DistinctBy(p => (p.Purl.ToString(), p.DeclaredIn))
            .OrderBy(p => p.Purl.ToString(), StringComparer.Ordinal)
            .ThenBy(p => p.DeclaredIn, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Container images (issue 17), once every layer has been cataloged: keeps only the packages declared by a file that
    /// is in the image's final filesystem as that layer's copy (a dpkg status a later layer rewrote or deleted declares
    /// nothing any more), names them by their final path (<c>{root}!/var/lib/dpkg/status</c>, not the layer's
    /// <c>{root}!/sha256:…!/var/lib/dpkg/status</c>) and sets <see cref="CatalogedPackage.Layer"/> to the layer that
    /// introduced each one: the lowest layer whose copy of the same file declared the same purl (as Trivy's
    /// <c>lookupOriginLayerForPkg</c>). Release files are rebased the same way, so OS packages take their distribution from
    /// the final filesystem's os-release, whichever layer wrote it. Declarations outside the layers are kept as they are.
    /// </summary>
    /// <param name="root">The artifact's path in the scan (the prefix of <see cref="Images.ImageFacts.LayerPaths"/>).</param>
    /// <param name="image">The layers' paths and entries the expander recorded.</param>
    public void RebaseOntoImage(string root, Images.ImageFacts image)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(image);
        var final = Images.ImageFilesystem.Merge(image.Entries);
        var prefixes = image.LayerPaths.Select(p => p + "!/").ToList();
        var names = image.LayerPaths.Select(p => p[(p.LastIndexOf("!/", StringComparison.Ordinal) + 2)..]).ToList();

        (int Layer, string File, string Nested)? Locate(string path)
        {
            for (var i = 0; i < prefixes.Count; i++)
            {
                if (!path.StartsWith(prefixes[i], StringComparison.Ordinal)) continue;
                var relative = path[prefixes[i].Length..];
                var nested = relative.IndexOf("!/", StringComparison.Ordinal);
                var file = nested < 0 ? relative : relative[..nested];
                return (i, Images.ImageExpander.PathOf(file), nested < 0 ? "" : relative[nested..]);
            }
            return null;
        }
        bool IsFinal((int Layer, string File, string Nested) at) => final.Get(at.File) is { } entry && entry.Layer == at.Layer;
        string Rebased((int Layer, string File, string Nested) at) => root + "!/" + at.File + at.Nested;

        var located = _packages.ToArray().Select(p => (Package: p, At: Locate(p.DeclaredIn))).ToList();
        var origin = new Dictionary<(string File, string Purl), int>();
        foreach (var (p, at) in located)
        {
            if (at is not { } a) continue;
            var key = (a.File + a.Nested, p.Purl.ToString());
            if (!origin.TryGetValue(key, out var lowest) || a.Layer < lowest) origin[key] = a.Layer;
        }
        _packages.Clear();
        foreach (var (p, at) in located)
        {
            if (at is not { } a) _packages.Enqueue(p);
            else if (IsFinal(a)) _packages.Enqueue(p with { DeclaredIn = Rebased(a), Layer = names[origin[(a.File + a.Nested, p.Purl.ToString())]] });
        }

        var releases = _releaseFiles.ToArray();
        _releaseFiles.Clear();
        foreach (var ((fileRoot, file), text) in releases)
        {
            if (Locate(fileRoot + file) is not { } a) _releaseFiles.TryAdd((fileRoot, file), text);
            else if (IsFinal(a) && Distro.RootOf(Rebased(a), Distro.ReleaseFiles) is { } at) _releaseFiles.TryAdd((at.Root, at.Suffix), text);
        }
    }

    private static string Folder(string path) => path[..(path.LastIndexOf('/') + 1)];

    /// <summary>The OS package with its distribution's namespace, <c>distro</c> qualifier and ecosystem; unchanged when the root names none.</summary>
    private CatalogedPackage Resolve(CatalogedPackage package, Dictionary<string, Distro?> distros)
    {
        if (package.Purl.Qualifiers.ContainsKey("distro")) return package; // resolved by whoever cataloged it
        if (Distro.RootOf(package.DeclaredIn, Distro.PackageDatabases) is not { } at) return package;
        if (!distros.TryGetValue(at.Root, out var distro))
        {
            distro = Distro.Identify(File(at.Root, "etc/os-release"), File(at.Root, "usr/lib/os-release"),
                File(at.Root, "etc/debian_version"), File(at.Root, "etc/alpine-release"));
            distros[at.Root] = distro;
        }
        if (distro is null) return package;
        var purl = package.Purl;
        var qualifiers = purl.Qualifiers.Where(q => q.Key != "distro").ToList();
        if (distro.PurlDistro(purl.Type) is { } d) qualifiers.Add(KeyValuePair.Create("distro", d));
        if (!PackageUrl.TryCreate(purl.Type, distro.Namespace, purl.Name, purl.Version, qualifiers, purl.Subpath, out var resolved, out _))
            return package;
        return package with { Ecosystem = distro.Ecosystem(package.Ecosystem), Purl = resolved };

        string? File(string root, string file) => _releaseFiles.GetValueOrDefault((root, file));
    }
}
