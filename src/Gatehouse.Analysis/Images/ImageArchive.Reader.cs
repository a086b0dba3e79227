using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Images.Reading;

namespace Gatehouse.Analysis.Images;

// The reader (issue 17). Formats:
// - OCI image layout, as a folder (oci-layout + index.json + blobs/sha256/<hex>) or as a tar of that folder (skopeo's
//   oci-archive, what RegistryClient writes);
// - docker-archive (`docker save`, skopeo docker-archive): manifest.json naming Config, RepoTags and Layers, the layers as
//   <id>/layer.tar, <diffid>.tar or blobs/sha256/<hex>, plain or gzip.
// An outer tar compressed with gzip (`docker save | gzip`) is decompressed once into a private temp file (0600, bounded by
// MaxImageBytes plus 64 MiB of metadata) that is deleted when the archive is disposed.
// A docker-archive stores no manifest: the reader synthesises the Docker v2 schema 2 manifest a registry would receive
// for it (compact JSON, fixed member order) and ManifestDigest is that manifest's digest.
public sealed partial class ImageArchive
{
    /// <summary>Nested indexes deeper than this are refused (real images use one level, two with attestations).</summary>
    internal const int MaxIndexDepth = 4;
    /// <summary>Descriptors across all indexes and docker-archive entries.</summary>
    internal const int MaxDescriptors = 1024;
    /// <summary>Room for the tar headers and metadata JSON beside the blobs when a gzip outer tar is decompressed.</summary>
    internal const long DecompressionSlack = 64L << 20;

    private ImageStore _store = null!;
    private Dictionary<string, (string Name, long Size)> _blobs = null!;

    private static partial ImageArchive OpenCore(string path, ImagePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(policy);
        var store = OpenStore(path, policy);
        try
        {
            if (store is TarImageStore { } tar && tar.Index.Regular("oci-layout") is null && tar.Index.Regular("manifest.json") is not null)
                return ReadDockerArchive(store, policy);
            return ReadOciLayout(store, policy);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private static partial bool IsImageCore(string path)
    {
        try
        {
            if (Directory.Exists(path)) return File.Exists(Path.Combine(path, "oci-layout"));
            if (!File.Exists(path)) return false;
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            Span<byte> magic = stackalloc byte[2];
            if (file.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            {
                // Cheap: look at the first member's name only (the full index needs the whole stream decompressed).
                file.Position = 0;
                using var gz = new GZipStream(file, CompressionMode.Decompress);
                var block = new byte[512];
                gz.ReadAtLeast(block, 512, throwOnEndOfStream: false);
                return TarIndex.LooksLikeTar(block) && LooksLikeImageMember(TarIndex.FirstName(block));
            }
            file.Position = 0;
            var index = TarIndex.Read(file);
            if (index.Regular("oci-layout") is not null && index.Regular("index.json") is not null) return true;
            // A web extension or app tar may carry a manifest.json of its own: only docker's shape (an array of images with Layers) counts.
            if (index.Regular("manifest.json") is not { Length: <= 1 << 20 } manifest) return false;
            var bytes = new byte[manifest.Length];
            file.Position = manifest.Offset;
            file.ReadExactly(bytes);
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
            return doc.RootElement.ValueKind == JsonValueKind.Array && doc.RootElement.GetArrayLength() > 0
                && doc.RootElement.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("Layers", out var l) && l.ValueKind == JsonValueKind.Array);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ImageException or InvalidDataException or JsonException)
        {
            return false;
        }
    }

    // First members written by docker save, skopeo and umoci.
    private static bool LooksLikeImageMember(string name)
    {
        // Not manifest.json: an app's tar.gz may start with its own (a web extension's); docker save starts with blobs or layer folders.
        if (name is "oci-layout" or "index.json" or "blobs" or "repositories" || name.StartsWith("blobs/", StringComparison.Ordinal)) return true;
        var head = name.Split('/')[0];
        var stem = head.EndsWith(".tar", StringComparison.Ordinal) || head.EndsWith(".json", StringComparison.Ordinal) ? head[..head.LastIndexOf('.')] : head;
        return stem.Length == 64 && stem.AsSpan().IndexOfAnyExcept("0123456789abcdef") < 0;
    }

    private partial Stream OpenBlobCore(string digest)
    {
        if (!ImageDigests.IsValid(digest) || !_blobs.TryGetValue(digest, out var blob))
            throw new ImageException("image.unreadable", $"{digest} is not a blob of this image");
        var stream = _store.Open(blob.Name) ?? throw new ImageException("image.unreadable", $"blob {digest} is missing");
        return new VerifyingStream(stream, digest, blob.Size);
    }

    private partial void DisposeCore() => _store?.Dispose();

    /// <summary>The private decompressed copy of a gzip-compressed image tar (deleted on dispose); null otherwise.</summary>
    internal string? TemporaryFile => (_store as TarImageStore)?.OwnedTemp;

    // ---- stores ------------------------------------------------------------------------------------------------------

    private static ImageStore OpenStore(string path, ImagePolicy policy)
    {
        if (Directory.Exists(path))
        {
            if (!File.Exists(Path.Combine(path, "oci-layout")))
                throw new ImageException("image.unreadable", "the folder is no OCI image layout (no oci-layout file)");
            return new FolderImageStore(Path.GetFullPath(path));
        }
        if (!File.Exists(path)) throw new ImageException("image.unreadable", "the image file does not exist");
        string? temp = null;
        var tarPath = path;
        using (var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None))
        {
            Span<byte> magic = stackalloc byte[2];
            if (probe.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            {
                probe.Position = 0;
                temp = Decompress(probe, policy.MaxImageBytes + DecompressionSlack);
                tarPath = temp;
            }
        }
        try
        {
            using var file = new FileStream(tarPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12, FileOptions.RandomAccess);
            return new TarImageStore(tarPath, TarIndex.Read(file), temp);
        }
        catch
        {
            if (temp is not null) File.Delete(temp);
            throw;
        }
    }

    private static string Decompress(Stream gzip, long limit)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"gatehouse-image-{Guid.NewGuid():N}.tar");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var output = new FileStream(temp, options);
            using var gz = new GZipStream(gzip, CompressionMode.Decompress, leaveOpen: true);
            var buffer = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = gz.Read(buffer)) > 0)
            {
                total += n;
                if (total > limit) throw new ImageException("image.limit", $"the gzip-compressed image tar expands to more than {limit} bytes");
                output.Write(buffer, 0, n);
            }
            return temp;
        }
        catch (InvalidDataException e)
        {
            File.Delete(temp);
            throw new ImageException("image.unreadable", "the gzip-compressed image tar is corrupt: " + e.Message, e);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static byte[] ReadFile(ImageStore store, string name, ImagePolicy policy)
    {
        using var s = store.Open(name) ?? throw new ImageException("image.unreadable", $"the image has no {name}");
        return ImageJson.ReadBounded(s, policy.MaxJsonBytes, name);
    }

    /// <summary>Reads a JSON blob named by a descriptor: size checked against the limit first, then bytes against size and digest.</summary>
    private static byte[] ReadJsonBlob(ImageStore store, Descriptor d, ImagePolicy policy, string what)
    {
        if (d.Size > policy.MaxJsonBytes) throw new ImageException("image.limit", $"{what} {d.Digest} declares {d.Size} bytes, over the limit of {policy.MaxJsonBytes}");
        using var s = store.OpenBlob(d.Digest) ?? throw new ImageException("image.unreadable", $"{what} {d.Digest} is missing from the layout");
        var bytes = ImageJson.ReadBounded(new VerifyingStream(s, d.Digest, d.Size), policy.MaxJsonBytes, what);
        return bytes;
    }

    // ---- OCI layout ----------------------------------------------------------------------------------------------------

    internal sealed record Descriptor(string MediaType, string Digest, long Size, ImagePlatform? Platform, string? RefName);

    private static ImageArchive ReadOciLayout(ImageStore store, ImagePolicy policy)
    {
        using (var layout = ImageJson.Parse(ReadFile(store, "oci-layout", policy), "oci-layout"))
        {
            if (!layout.RootElement.TryGetProperty("imageLayoutVersion", out var v) || v.ValueKind != JsonValueKind.String)
                throw new ImageException("image.unreadable", "oci-layout has no imageLayoutVersion");
        }
        var leaves = new List<Descriptor>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        CollectManifests(store, ReadFile(store, "index.json", policy), "index.json", null, 0, seen, leaves, ref count, policy);
        if (leaves.Count == 0) throw new ImageException("image.unreadable", "the layout's index names no image manifest");

        var loaded = new Dictionary<string, LoadedManifest>(StringComparer.Ordinal);
        LoadedManifest Load(Descriptor d) => loaded.TryGetValue(d.Digest, out var m) ? m : loaded[d.Digest] = LoadManifest(store, d, policy);

        var (chosen, platform) = ChoosePlatform(leaves, d => d.Platform ?? Load(d).Parsed.Platform, policy);
        var manifest = Load(chosen);
        return Build(store, manifest, platform, chosen.MediaType, manifest.Bytes, chosen.Digest, "oci-layout", chosen.RefName,
            manifest.Layers.Select(l => (l, "blobs/sha256/" + l.Digest[7..])).ToList(), "blobs/sha256/" + manifest.Config.Digest[7..]);
    }

    private static void CollectManifests(ImageStore store, byte[] bytes, string what, string? refName, int depth, HashSet<string> seen,
        List<Descriptor> leaves, ref int count, ImagePolicy policy)
    {
        using var doc = ImageJson.Parse(bytes, what);
        if (!doc.RootElement.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
            throw new ImageException("image.unreadable", $"{what} has no manifests array");
        foreach (var m in manifests.EnumerateArray())
        {
            if (++count > MaxDescriptors) throw new ImageException("image.limit", $"the image's indexes hold more than {MaxDescriptors} descriptors");
            var d = ParseDescriptor(m, what);
            var name = d.RefName ?? refName;
            if (ImageMediaTypes.IsIndex(d.MediaType))
            {
                if (depth + 1 > MaxIndexDepth) throw new ImageException("image.unreadable", $"image indexes are nested deeper than {MaxIndexDepth} levels");
                if (!seen.Add(d.Digest)) throw new ImageException("image.unreadable", $"image index {d.Digest} is referenced more than once (a loop)");
                var nested = ReadJsonBlob(store, d, policy, "image index");
                CollectManifests(store, nested, "image index " + d.Digest, name, depth + 1, seen, leaves, ref count, policy);
            }
            else if (ImageMediaTypes.IsManifest(d.MediaType))
            {
                leaves.Add(d with { RefName = name });
            }
            // Anything else (signatures, attestations as artifacts, unknown types) is no image to run: skipped.
        }
    }

    internal static Descriptor ParseDescriptor(JsonElement e, string what)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new ImageException("image.unreadable", $"{what} holds a descriptor that is no object");
        var mediaType = e.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String ? mt.GetString()! : "";
        var digest = e.TryGetProperty("digest", out var dg) && dg.ValueKind == JsonValueKind.String ? dg.GetString() : null;
        if (!ImageDigests.IsValid(digest)) throw new ImageException("image.unreadable", $"{what} holds a descriptor whose digest is not sha256:<64 lowercase hex>");
        if (!e.TryGetProperty("size", out var sz) || sz.ValueKind != JsonValueKind.Number || !sz.TryGetInt64(out var size) || size < 0)
            throw new ImageException("image.unreadable", $"{what} holds a descriptor ({digest}) without a valid size");
        ImagePlatform? platform = null;
        if (e.TryGetProperty("platform", out var p) && p.ValueKind == JsonValueKind.Object
            && p.TryGetProperty("os", out var os) && os.ValueKind == JsonValueKind.String
            && p.TryGetProperty("architecture", out var arch) && arch.ValueKind == JsonValueKind.String)
        {
            var variant = p.TryGetProperty("variant", out var va) && va.ValueKind == JsonValueKind.String && va.GetString()!.Length > 0 ? va.GetString()!.ToLowerInvariant() : null;
            platform = new ImagePlatform(os.GetString()!.ToLowerInvariant(), arch.GetString()!.ToLowerInvariant(), variant);
        }
        string? refName = null;
        if (e.TryGetProperty("annotations", out var a) && a.ValueKind == JsonValueKind.Object)
        {
            // docker save (25+) writes the full name as io.containerd.image.name and only the tag as ref.name.
            foreach (var key in new[] { "io.containerd.image.name", "org.opencontainers.image.ref.name" })
                if (refName is null && a.TryGetProperty(key, out var rn) && rn.ValueKind == JsonValueKind.String && rn.GetString()!.Length > 0)
                    refName = rn.GetString();
        }
        return new Descriptor(mediaType, digest!, size, platform, refName);
    }

    private sealed record LoadedManifest(byte[] Bytes, Descriptor Config, IReadOnlyList<Descriptor> Layers, byte[] ConfigBytes, ParsedImageConfig Parsed);

    private static LoadedManifest LoadManifest(ImageStore store, Descriptor d, ImagePolicy policy)
    {
        var bytes = ReadJsonBlob(store, d, policy, "image manifest");
        using var doc = ImageJson.Parse(bytes, "image manifest " + d.Digest);
        var root = doc.RootElement;
        if (root.TryGetProperty("mediaType", out var mt) && mt.ValueKind == JsonValueKind.String && mt.GetString() != d.MediaType)
            throw new ImageException("image.unreadable", $"image manifest {d.Digest} says it is {mt.GetString()}, its descriptor says {d.MediaType}");
        if (!root.TryGetProperty("config", out var c)) throw new ImageException("image.unreadable", $"image manifest {d.Digest} has no config");
        var config = ParseDescriptor(c, "image manifest " + d.Digest);
        if (!root.TryGetProperty("layers", out var ls) || ls.ValueKind != JsonValueKind.Array)
            throw new ImageException("image.unreadable", $"image manifest {d.Digest} has no layers array");
        if (ls.GetArrayLength() > policy.MaxLayers)
            throw new ImageException("image.limit", $"the image has {ls.GetArrayLength()} layers, over the limit of {policy.MaxLayers}");
        var layers = ls.EnumerateArray().Select(l => ParseDescriptor(l, "image manifest " + d.Digest)).ToList();
        CheckSizes(layers.Select(l => (l.Digest, l.Size)), config.Size, policy);
        // A layer in a format the walker cannot read (zstd, a vendor type) stays in the image: the expander reports it as
        // image.unsupported-layer and still searches every other layer, rather than the whole image going unread.
        var configBytes = ReadJsonBlob(store, config, policy, "image config");
        return new LoadedManifest(bytes, config, layers, configBytes, ImageConfigParser.Parse(configBytes));
    }

    internal static void CheckSizes(IEnumerable<(string Digest, long Size)> layers, long configSize, ImagePolicy policy)
    {
        var total = configSize;
        foreach (var (digest, size) in layers)
        {
            if (size > policy.MaxLayerBytes) throw new ImageException("image.limit", $"layer {digest} is {size} bytes, over the limit of {policy.MaxLayerBytes}");
            total += size;
            if (total > policy.MaxImageBytes) throw new ImageException("image.limit", $"the image's blobs add up to more than the limit of {policy.MaxImageBytes} bytes");
        }
    }

    // ---- platform choice ---------------------------------------------------------------------------------------------

    internal static (T Chosen, ImagePlatform Platform) ChoosePlatform<T>(IReadOnlyList<T> candidates, Func<T, ImagePlatform?> platformOf, ImagePolicy policy)
    {
        var wanted = policy.Platforms.Select(ImagePlatform.Parse).Where(p => p is not null).Select(p => p!).ToList();
        var known = new List<ImagePlatform?>();
        var platforms = new ImagePlatform?[candidates.Count];
        for (var i = 0; i < candidates.Count; i++) platforms[i] = platformOf(candidates[i]);
        foreach (var w in wanted)
            for (var i = 0; i < candidates.Count; i++)
                if (platforms[i] is { } p && Matches(w, p)) return (candidates[i], p);
        var offered = string.Join(", ", platforms.Select(p => p?.ToString() ?? "unknown").Distinct());
        throw new ImageException("image.platform-missing", $"the image offers {offered}; the policy asks for {string.Join(", ", policy.Platforms)}");
    }

    // A policy platform without a variant takes any variant (linux/arm64 matches linux/arm64/v8); one with a variant wants exactly it.
    internal static bool Matches(ImagePlatform wanted, ImagePlatform actual) =>
        wanted.Os == actual.Os && wanted.Architecture == actual.Architecture && (wanted.Variant is null || wanted.Variant == actual.Variant);

    // ---- docker-archive ----------------------------------------------------------------------------------------------

    private sealed record DockerEntry(string ConfigPath, IReadOnlyList<string> LayerPaths, string? RepoTag, byte[] ConfigBytes, string ConfigDigest, ParsedImageConfig Parsed);

    private static ImageArchive ReadDockerArchive(ImageStore store, ImagePolicy policy)
    {
        var bytes = ReadFile(store, "manifest.json", policy);
        JsonDocument doc;
        // Strict, as ImageJson.Parse: a string that is no text would throw InvalidOperationException when read (fuzzing, issue 21).
        try { doc = Pipeline.StrictJson.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException e) { throw new ImageException("image.unreadable", "manifest.json is not valid JSON: " + e.Message, e); }
        var entries = new List<DockerEntry>();
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array || doc.RootElement.GetArrayLength() == 0)
                throw new ImageException("image.unreadable", "manifest.json is no non-empty array");
            if (doc.RootElement.GetArrayLength() > MaxDescriptors) throw new ImageException("image.limit", $"manifest.json lists more than {MaxDescriptors} images");
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object) throw new ImageException("image.unreadable", "manifest.json holds an entry that is no object");
                var configPath = e.TryGetProperty("Config", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                if (!ImageDigests.IsSafeRelativePath(configPath)) throw new ImageException("image.unreadable", "manifest.json names a Config path that is not a plain relative path");
                if (!e.TryGetProperty("Layers", out var ls) || ls.ValueKind != JsonValueKind.Array) throw new ImageException("image.unreadable", "manifest.json has an entry without Layers");
                if (ls.GetArrayLength() > policy.MaxLayers) throw new ImageException("image.limit", $"the image has {ls.GetArrayLength()} layers, over the limit of {policy.MaxLayers}");
                var layers = new List<string>();
                foreach (var l in ls.EnumerateArray())
                {
                    var p = l.ValueKind == JsonValueKind.String ? l.GetString() : null;
                    if (!ImageDigests.IsSafeRelativePath(p)) throw new ImageException("image.unreadable", "manifest.json names a layer path that is not a plain relative path");
                    layers.Add(p!);
                }
                string? tag = e.TryGetProperty("RepoTags", out var t) && t.ValueKind == JsonValueKind.Array
                    ? t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()).FirstOrDefault() : null;
                var configBytes = ReadFile(store, configPath!, policy);
                var configDigest = ImageDigests.Of(configBytes);
                // Docker names the config after its digest (<hex>.json, blobs/sha256/<hex>): the name must then be right.
                if (DigestInName(configPath!) is { } named && named != configDigest)
                    throw new ImageException("image.digest-mismatch", $"config {configPath} has digest {configDigest}");
                entries.Add(new DockerEntry(configPath!, layers, tag, configBytes, configDigest, ImageConfigParser.Parse(configBytes)));
            }
        }
        var (chosen, platform) = ChoosePlatform(entries, e => e.Parsed.Platform, policy);

        var layerDescriptors = new List<(Descriptor Descriptor, string Name)>();
        var sizes = new List<(string, long)>();
        for (var i = 0; i < chosen.LayerPaths.Count; i++)
        {
            var path = chosen.LayerPaths[i];
            using var s = store.Open(path) ?? throw new ImageException("image.unreadable", $"layer {path} named by manifest.json is missing");
            var size = s.Length;
            sizes.Add((path, size));
            CheckSizes(sizes, chosen.ConfigBytes.Length, policy);
            var head = new byte[2];
            var gzip = s.ReadAtLeast(head, 2, throwOnEndOfStream: false) == 2 && head[0] == 0x1f && head[1] == 0x8b;
            string digest;
            if (DigestInName(path) is { } named) digest = named;
            else if (!gzip && i < chosen.Parsed.DiffIds.Count && ImageDigests.IsValid(chosen.Parsed.DiffIds[i])) digest = chosen.Parsed.DiffIds[i]; // a plain tar's digest is its diff ID; verified when read
            else
            {
                s.Position = 0;
                using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 16];
                int n;
                while ((n = s.Read(buffer)) > 0) sha.AppendData(buffer, 0, n);
                digest = "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
            }
            layerDescriptors.Add((new Descriptor(gzip ? ImageMediaTypes.DockerLayerGzip : ImageMediaTypes.DockerLayerTar, digest, size, null, null), path));
        }
        var manifestBytes = SynthesiseManifest(chosen.ConfigDigest, chosen.ConfigBytes.Length, layerDescriptors.Select(l => l.Descriptor));
        var manifest = new LoadedManifest(manifestBytes, new Descriptor(ImageMediaTypes.DockerConfig, chosen.ConfigDigest, chosen.ConfigBytes.Length, null, null),
            layerDescriptors.Select(l => l.Descriptor).ToList(), chosen.ConfigBytes, chosen.Parsed);
        return Build(store, manifest, platform, ImageMediaTypes.DockerManifest, manifestBytes, ImageDigests.Of(manifestBytes), "docker-archive", chosen.RepoTag,
            layerDescriptors, chosen.ConfigPath);
    }

    private static string? DigestInName(string path)
    {
        var hex = path.StartsWith("blobs/sha256/", StringComparison.Ordinal) ? path["blobs/sha256/".Length..]
            : path.EndsWith(".json", StringComparison.Ordinal) && !path.Contains('/') ? path[..^5]
            : null;
        return hex is not null && ImageDigests.IsValid("sha256:" + hex) ? "sha256:" + hex : null;
    }

    /// <summary>
    /// The Docker v2 schema 2 manifest for a docker-archive, as a registry would receive it for the stored blobs: compact
    /// JSON, members in the order the schema lists them. Its digest stands in for the manifest digest the archive lacks.
    /// </summary>
    internal static byte[] SynthesiseManifest(string configDigest, long configSize, IEnumerable<Descriptor> layers)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 2);
            w.WriteString("mediaType", ImageMediaTypes.DockerManifest);
            w.WriteStartObject("config");
            w.WriteString("mediaType", ImageMediaTypes.DockerConfig);
            w.WriteNumber("size", configSize);
            w.WriteString("digest", configDigest);
            w.WriteEndObject();
            w.WriteStartArray("layers");
            foreach (var l in layers)
            {
                w.WriteStartObject();
                w.WriteString("mediaType", l.MediaType);
                w.WriteNumber("size", l.Size);
                w.WriteString("digest", l.Digest);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    // ---- common ------------------------------------------------------------------------------------------------------

    private static ImageArchive Build(ImageStore store, LoadedManifest manifest, ImagePlatform platform, string mediaType, byte[] manifestBytes,
        string manifestDigest, string format, string? reference, IReadOnlyList<(Descriptor Layer, string Name)> layers, string configName)
    {
        var parsed = manifest.Parsed;
        if (parsed.DiffIds.Count != layers.Count)
            throw new ImageException("image.unreadable", $"the config lists {parsed.DiffIds.Count} diff IDs for {layers.Count} layers");
        foreach (var id in parsed.DiffIds)
            if (!ImageDigests.IsValid(id)) throw new ImageException("image.unreadable", "the config holds a diff ID that is not sha256:<64 lowercase hex>");
        var createdBy = parsed.Config.History.Where(h => !h.EmptyLayer).Select(h => h.CreatedBy).ToList();
        var blobs = new Dictionary<string, (string, long)>(StringComparer.Ordinal) { [manifest.Config.Digest] = (configName, manifest.Config.Size) };
        var result = new List<ImageLayer>();
        for (var i = 0; i < layers.Count; i++)
        {
            var (d, name) = layers[i];
            // A blob that is absent, or whose stored length differs from its descriptor, fails now rather than mid-scan.
            using (var s = store.Open(name))
            {
                if (s is null) throw new ImageException("image.unreadable", $"layer {d.Digest} is missing from the image");
                if (s.CanSeek && s.Length != d.Size) throw new ImageException("image.digest-mismatch", $"layer {d.Digest} is {s.Length} bytes, its descriptor says {d.Size}");
            }
            if (blobs.TryGetValue(d.Digest, out var existing) && existing.Item2 != d.Size)
                throw new ImageException("image.unreadable", $"layer {d.Digest} is listed twice with different sizes");
            blobs[d.Digest] = (name, d.Size);
            result.Add(new ImageLayer(i, d.Digest, parsed.DiffIds[i], d.MediaType, d.Size, i < createdBy.Count ? createdBy[i] : null));
        }
        return new ImageArchive
        {
            _store = store,
            _blobs = blobs,
            ManifestBytes = manifestBytes,
            ConfigBytes = manifest.ConfigBytes,
            Image = new ContainerImage(manifestDigest, mediaType, platform, parsed.Config, manifest.Config.Digest, result, format) { Reference = reference },
        };
    }
}
