using System.Text.Json.Nodes;
using static Gatehouse.Fuzz.SeedFiles;

namespace Gatehouse.Fuzz;

/// <summary>
/// A one-layer container image made in code, as an OCI image layout tar (skopeo's oci-archive) or a docker-archive
/// (<c>docker save</c>). The index, manifest or config can be replaced by the fuzzer's bytes while every digest that
/// names them is recomputed, so a mutated manifest reaches the manifest parser instead of failing the digest check.
/// </summary>
internal static class ImageSeeds
{
    private static byte[] LayerTar => Tar(App);

    public static byte[] Config() => Utf8(new JsonObject
    {
        ["created"] = "2024-01-02T03:04:05Z",
        ["architecture"] = "amd64",
        ["os"] = "linux",
        ["config"] = new JsonObject
        {
            ["User"] = "10001",
            ["Env"] = new JsonArray("PATH=/usr/local/bin:/usr/bin:/bin", "NODE_ENV=production"),
            ["Entrypoint"] = new JsonArray("/app/bin/start.sh"),
            ["WorkingDir"] = "/app",
            ["ExposedPorts"] = new JsonObject { ["8080/tcp"] = new JsonObject() },
            ["Labels"] = new JsonObject { ["org.opencontainers.image.source"] = "https://example.test/demo" },
            ["Healthcheck"] = new JsonObject { ["Test"] = new JsonArray("CMD", "/app/bin/start.sh", "--health"), ["Interval"] = 30_000_000_000L, ["Retries"] = 3 },
        },
        ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(Sha256(LayerTar)) },
        ["history"] = new JsonArray(new JsonObject { ["created_by"] = "COPY app /app", ["created"] = "2024-01-02T03:04:05Z" }),
    }.ToJsonString());

    public static byte[] Manifest(byte[] config, byte[] layer) => Utf8(new JsonObject
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
        ["config"] = new JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = Sha256(config), ["size"] = config.Length },
        ["layers"] = new JsonArray(new JsonObject { ["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip", ["digest"] = Sha256(layer), ["size"] = layer.Length }),
        ["annotations"] = new JsonObject { ["org.opencontainers.image.created"] = "2024-01-02T03:04:05Z" },
    }.ToJsonString());

    public static byte[] Index(byte[] manifest, bool nested = false)
    {
        var descriptor = new JsonObject
        {
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["digest"] = Sha256(manifest),
            ["size"] = manifest.Length,
            ["platform"] = new JsonObject { ["architecture"] = "amd64", ["os"] = "linux" },
            ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = "demo/app:1.0" },
        };
        return Utf8(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = nested
                ? new JsonArray(descriptor, new JsonObject
                {
                    ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                    ["digest"] = Sha256(manifest),
                    ["size"] = manifest.Length,
                    ["platform"] = new JsonObject { ["architecture"] = "arm64", ["os"] = "linux", ["variant"] = "v8" },
                })
                : new JsonArray(descriptor),
        }.ToJsonString());
    }

    /// <summary>The OCI layout's files; null parts are the seed's own.</summary>
    public static List<(string Name, byte[] Bytes)> OciFiles(byte[]? index = null, byte[]? manifest = null, byte[]? config = null, bool nested = false)
    {
        var layer = Gzip(LayerTar);
        config ??= Config();
        manifest ??= Manifest(config, layer);
        index ??= Index(manifest, nested);
        return
        [
            ("oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray()),
            ("index.json", index),
            ("blobs/sha256/" + Sha256(config)[7..], config),
            ("blobs/sha256/" + Sha256(layer)[7..], layer),
            ("blobs/sha256/" + Sha256(manifest)[7..], manifest),
        ];
    }

    /// <summary>A docker-archive's files; <paramref name="manifestJson"/> replaces its manifest.json.</summary>
    public static List<(string Name, byte[] Bytes)> DockerFiles(byte[]? manifestJson = null)
    {
        var layer = LayerTar;
        var config = Config();
        var configName = Sha256(config)[7..] + ".json";
        var layerName = Sha256(layer)[7..] + "/layer.tar";
        manifestJson ??= Utf8(new JsonArray(new JsonObject
        {
            ["Config"] = configName,
            ["RepoTags"] = new JsonArray("demo/app:1.0"),
            ["Layers"] = new JsonArray(layerName),
        }).ToJsonString());
        return [("manifest.json", manifestJson), (configName, config), (layerName, layer)];
    }
}
