using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Analysis.Tests.Images;

/// <summary>
/// A small OCI image layout built from bytes in the test, so each hostile variant (wrong digest, huge sizes, odd media
/// types, nested indexes) is one line. Files are kept by their member name; write it as a folder or a tar.
/// </summary>
internal sealed class TestLayout
{
    public Dictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    public static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    public string AddBlob(byte[] bytes)
    {
        var d = Digest(bytes);
        Files["blobs/sha256/" + d[7..]] = bytes;
        return d;
    }

    public static JsonObject Descriptor(string mediaType, byte[] bytes, string? platform = null) =>
        Descriptor(mediaType, Digest(bytes), bytes.Length, platform);

    public static JsonObject Descriptor(string mediaType, string digest, long size, string? platform = null)
    {
        var d = new JsonObject { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };
        if (platform is not null)
        {
            var p = platform.Split('/');
            var po = new JsonObject { ["os"] = p[0], ["architecture"] = p[1] };
            if (p.Length > 2) po["variant"] = p[2];
            d["platform"] = po;
        }
        return d;
    }

    /// <summary>A layer tar holding <paramref name="files"/> (name → text), optionally gzip-compressed.</summary>
    public static byte[] LayerTar(bool gzip, params (string Name, string Text)[] files)
    {
        using var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var (name, text) in files)
                w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
        var tar = ms.ToArray();
        return gzip ? Gzip(tar) : tar;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(bytes);
        return ms.ToArray();
    }

    public static byte[] ConfigJson(string platform, IEnumerable<byte[]> diffTars, JsonObject? config = null, JsonArray? history = null)
    {
        var p = platform.Split('/');
        var root = new JsonObject
        {
            ["os"] = p[0],
            ["architecture"] = p[1],
            ["config"] = config ?? new JsonObject(),
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffTars.Select(t => (JsonNode)Digest(t)).ToArray()) },
        };
        if (p.Length > 2) root["variant"] = p[2];
        if (history is not null) root["history"] = history;
        return Json(root);
    }

    public static byte[] Json(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    public static JsonObject ManifestJson(JsonObject config, params JsonObject[] layers) => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
        ["config"] = config,
        ["layers"] = new JsonArray(layers.Select(l => (JsonNode)l).ToArray()),
    };

    public static JsonObject IndexJson(params JsonObject[] manifests) => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = "application/vnd.oci.image.index.v1+json",
        ["manifests"] = new JsonArray(manifests.Select(m => (JsonNode)m).ToArray()),
    };

    /// <summary>
    /// A one-image layout: layers (plain tar bytes, stored gzip-compressed), its config for <paramref name="platform"/>, the
    /// manifest, and index.json naming it. Returns the manifest descriptor (for indexes built on top).
    /// </summary>
    public JsonObject AddImage(string platform, byte[][] layerTars, JsonObject? config = null, JsonArray? history = null, bool writeIndex = true)
    {
        var configBytes = ConfigJson(platform, layerTars, config, history);
        AddBlob(configBytes);
        var layers = layerTars.Select(t =>
        {
            var gz = Gzip(t);
            AddBlob(gz);
            return Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", gz);
        }).ToArray();
        var manifest = Json(ManifestJson(Descriptor("application/vnd.oci.image.config.v1+json", configBytes), layers));
        AddBlob(manifest);
        var descriptor = Descriptor("application/vnd.oci.image.manifest.v1+json", manifest, platform);
        if (writeIndex) SetIndex(IndexJson(descriptor));
        return descriptor;
    }

    public void SetIndex(JsonObject index)
    {
        Files["oci-layout"] = """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray();
        Files["index.json"] = Json(index);
    }

    public string WriteFolder(string dir)
    {
        Directory.CreateDirectory(dir);
        foreach (var (name, bytes) in Files)
        {
            var path = Path.Combine(dir, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }
        return dir;
    }

    public byte[] TarBytes() => Tar(Files);

    public static byte[] Tar(IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        using var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Ustar, leaveOpen: true))
            foreach (var (name, bytes) in files)
                w.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
        return ms.ToArray();
    }

    public static JsonObject Parse(byte[] json) => JsonNode.Parse(json)!.AsObject();
    public static JsonSerializerOptions Compact { get; } = new() { WriteIndented = false };
}
