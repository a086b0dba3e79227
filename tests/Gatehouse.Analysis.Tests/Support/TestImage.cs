using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gatehouse.Analysis.Tests.Support;

/// <summary>
/// A container image built in memory from layers described in the test (files, folders, links, devices, whiteouts, modes and
/// owners), written as an OCI image layout (folder or tar) or a docker-archive (<c>docker save</c>). Fast (no tools), so each
/// hostile variant is a few lines: <see cref="TamperLayer"/> for a blob that does not match its digest,
/// <see cref="TestLayer.Raw"/> for a layer of arbitrary bytes (bombs, a zip), <see cref="LayerMediaType"/> for zstd.
/// </summary>
public sealed class TestImage
{
    /// <summary>The layers, base first.</summary>
    public List<TestLayer> Layers { get; } = [];

    /// <summary>The config's <c>config</c> object (User, Env, Labels, Cmd, Healthcheck, ...).</summary>
    public JsonObject Config { get; set; } = new();

    /// <summary>The config's <c>history</c>, or null for one entry per layer (<c>created_by</c> = "layer N").</summary>
    public JsonArray? History { get; set; }

    public string Platform { get; set; } = "linux/amd64";

    /// <summary>OCI layers gzip-compressed (default) or plain tars. docker-archive layers are always plain tars.</summary>
    public bool GzipLayers { get; set; } = true;

    /// <summary>The media type written for layer i in an OCI manifest (null: tar or tar+gzip as <see cref="GzipLayers"/> says).</summary>
    public Func<int, string?> LayerMediaType { get; set; } = _ => null;

    /// <summary>Changes the stored bytes of layer i after its digest was computed (a blob that does not match its digest).</summary>
    public Func<int, byte[], byte[]>? TamperLayer { get; set; }

    /// <summary>The tag (<c>org.opencontainers.image.ref.name</c> / RepoTags).</summary>
    public string Tag { get; set; } = "demo/app:1.0";

    /// <summary>Adds a layer and returns it for its entries.</summary>
    public TestLayer Layer()
    {
        var layer = new TestLayer();
        Layers.Add(layer);
        return layer;
    }

    public static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The DiffIDs (digests of the uncompressed layer tars), as member paths name the layers.</summary>
    public IReadOnlyList<string> DiffIds => Layers.Select(l => Digest(l.Tar())).ToList();

    /// <summary>Rewrites the DiffIDs the config names (a config that lies about its layers); null: the true ones.</summary>
    public Func<IReadOnlyList<string>, IReadOnlyList<string>>? ConfigDiffIds { get; set; }

    /// <summary>The config blob.</summary>
    public byte[] ConfigBytes()
    {
        var p = Platform.Split('/');
        var history = History ?? new JsonArray(Layers.Select((_, i) => (JsonNode)new JsonObject { ["created_by"] = $"layer {i}" }).ToArray());
        var root = new JsonObject
        {
            ["architecture"] = p[1],
            ["os"] = p[0],
            ["config"] = Config.DeepClone(),
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray((ConfigDiffIds?.Invoke(DiffIds) ?? DiffIds).Select(d => (JsonNode)d).ToArray()) },
            ["history"] = history.DeepClone(),
        };
        if (p.Length > 2) root["variant"] = p[2];
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    /// <summary>The files of an OCI image layout (name → bytes).</summary>
    public Dictionary<string, byte[]> OciFiles()
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        string Blob(byte[] bytes)
        {
            var d = Digest(bytes);
            files["blobs/sha256/" + d[7..]] = bytes;
            return d;
        }
        var config = ConfigBytes();
        var layers = new JsonArray();
        for (var i = 0; i < Layers.Count; i++)
        {
            var tar = Layers[i].Tar();
            var stored = GzipLayers ? Gzip(tar) : tar;
            var digest = Digest(stored);
            var written = TamperLayer?.Invoke(i, stored) ?? stored;
            files["blobs/sha256/" + digest[7..]] = written;
            var mediaType = LayerMediaType(i) ?? (GzipLayers ? "application/vnd.oci.image.layer.v1.tar+gzip" : "application/vnd.oci.image.layer.v1.tar");
            layers.Add(new JsonObject { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = stored.Length });
        }
        var manifest = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = Blob(config), ["size"] = config.Length },
            ["layers"] = layers,
        }.ToJsonString());
        var manifestDigest = Blob(manifest);
        files["oci-layout"] = """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray();
        files["index.json"] = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                ["digest"] = manifestDigest,
                ["size"] = manifest.Length,
                ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = Tag },
            }),
        }.ToJsonString());
        return files;
    }

    /// <summary>The files of a docker-archive (<c>docker save</c>: manifest.json, &lt;config&gt;.json, &lt;diffid&gt;/layer.tar).</summary>
    public Dictionary<string, byte[]> DockerFiles()
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var config = ConfigBytes();
        var configName = Digest(config)[7..] + ".json";
        files[configName] = config;
        var layerNames = new JsonArray();
        for (var i = 0; i < Layers.Count; i++)
        {
            var tar = Layers[i].Tar();
            var name = Digest(tar)[7..] + "/layer.tar";
            files[name] = TamperLayer?.Invoke(i, tar) ?? tar;
            layerNames.Add(name);
        }
        files["manifest.json"] = Encoding.UTF8.GetBytes(new JsonArray(new JsonObject
        {
            ["Config"] = configName,
            ["RepoTags"] = new JsonArray(Tag),
            ["Layers"] = layerNames,
        }).ToJsonString());
        return files;
    }

    /// <summary>Writes an OCI image layout tar (<c>oci-archive</c>) to <paramref name="path"/>.</summary>
    public string WriteOciArchive(string path) => WriteTar(path, OciFiles());

    /// <summary>Writes a docker-archive to <paramref name="path"/>.</summary>
    public string WriteDockerArchive(string path) => WriteTar(path, DockerFiles());

    /// <summary>Writes an OCI image layout folder at <paramref name="dir"/>.</summary>
    public string WriteOciLayout(string dir)
    {
        foreach (var (name, bytes) in OciFiles())
        {
            var path = Path.Combine(dir, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }
        return dir;
    }

    private static string WriteTar(string path, Dictionary<string, byte[]> files)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = File.Create(path);
        using var w = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var (name, bytes) in files)
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
        return path;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(bytes);
        return ms.ToArray();
    }
}

/// <summary>One layer of a <see cref="TestImage"/>: its tar entries in order.</summary>
public sealed class TestLayer
{
    private readonly List<PaxTarEntry> _entries = [];
    private byte[]? _raw;
    private byte[]? _tar; // built once: PAX headers carry the time they were written

    /// <summary>A regular file (text as UTF-8).</summary>
    public TestLayer File(string path, string text, int mode = 0b110_100_100, int uid = 0, int gid = 0) =>
        File(path, Encoding.UTF8.GetBytes(text), mode, uid, gid);

    /// <summary>A regular file.</summary>
    public TestLayer File(string path, byte[] bytes, int mode = 0b110_100_100, int uid = 0, int gid = 0) =>
        Add(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(bytes) }, mode, uid, gid);

    /// <summary>A directory (<paramref name="path"/> without a trailing slash).</summary>
    public TestLayer Dir(string path, int mode = 0b111_101_101, int uid = 0, int gid = 0) =>
        Add(new PaxTarEntry(TarEntryType.Directory, path + "/"), mode, uid, gid);

    public TestLayer Symlink(string path, string target) =>
        Add(new PaxTarEntry(TarEntryType.SymbolicLink, path) { LinkName = target }, 0b111_111_111, 0, 0);

    public TestLayer Hardlink(string path, string target) =>
        Add(new PaxTarEntry(TarEntryType.HardLink, path) { LinkName = target }, 0b110_100_100, 0, 0);

    public TestLayer CharDevice(string path, int major = 1, int minor = 3) =>
        Add(new PaxTarEntry(TarEntryType.CharacterDevice, path) { DeviceMajor = major, DeviceMinor = minor }, 0b110_110_110, 0, 0);

    public TestLayer Fifo(string path) => Add(new PaxTarEntry(TarEntryType.Fifo, path), 0b110_100_100, 0, 0);

    /// <summary>A whiteout deleting <paramref name="path"/> of the lower layers (<c>dir/.wh.name</c>).</summary>
    public TestLayer Whiteout(string path)
    {
        var slash = path.LastIndexOf('/');
        return File(slash < 0 ? ".wh." + path : path[..(slash + 1)] + ".wh." + path[(slash + 1)..], "");
    }

    /// <summary>Makes <paramref name="dir"/> opaque: what the lower layers had below it is hidden (<c>dir/.wh..wh..opq</c>).</summary>
    public TestLayer Opaque(string dir) => File(dir + "/.wh..wh..opq", "");

    /// <summary>Replaces the whole layer with these bytes (a bomb, a zip, a broken tar): <see cref="Tar"/> returns them as they are.</summary>
    public TestLayer Raw(byte[] bytes)
    {
        _raw = bytes;
        _tar = null;
        return this;
    }

    private TestLayer Add(PaxTarEntry entry, int mode, int uid, int gid)
    {
        entry.Mode = (UnixFileMode)mode;
        entry.Uid = uid;
        entry.Gid = gid;
        entry.ModificationTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _entries.Add(entry);
        _tar = null;
        return this;
    }

    /// <summary>The layer's uncompressed tar (the same bytes on every call).</summary>
    public byte[] Tar()
    {
        if (_raw is not null) return _raw;
        if (_tar is not null) return _tar;
        using var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var e in _entries)
            {
                if (e.DataStream is { } data) data.Position = 0;
                w.WriteEntry(e);
            }
        }
        return _tar = ms.ToArray();
    }
}
