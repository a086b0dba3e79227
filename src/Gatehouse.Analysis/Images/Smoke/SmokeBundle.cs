using System.Formats.Tar;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Analysis.Images.Smoke;

/// <summary>
/// The files of one smoke run: the tagged OCI layout umoci reads and the runtime config runc runs. umoci unpacks only a
/// tagged manifest (<c>DIR:TAG</c>), so the input's manifest is named <see cref="Tag"/> in a private layout of the run.
/// </summary>
internal static class SmokeBundle
{
    public const string Tag = "smoke";
    private const string IndexMediaType = "application/vnd.oci.image.index.v1+json";
    private const string DockerListMediaType = "application/vnd.docker.distribution.manifest.list.v2+json";

    /// <summary>What the input file is: an OCI layout folder, or a tar holding an OCI layout or a docker-archive.</summary>
    public enum InputKind { OciLayoutFolder, OciArchive, DockerArchive, Unknown }

    public static InputKind Detect(string path)
    {
        if (Directory.Exists(path)) return File.Exists(Path.Combine(path, "index.json")) ? InputKind.OciLayoutFolder : InputKind.Unknown;
        if (!File.Exists(path)) return InputKind.Unknown;
        try
        {
            using var stream = File.OpenRead(path);
            using var tar = new TarReader(stream);
            // The names at the top tell the two apart; a few hundred entries are plenty (the layout's files come first or last).
            var seen = 0;
            var kind = InputKind.Unknown;
            while (tar.GetNextEntry(copyData: false) is { } entry && seen++ < 100_000)
            {
                var name = entry.Name.TrimStart('.', '/');
                if (name is "oci-layout" or "index.json") return InputKind.OciArchive;
                if (name == "manifest.json") kind = InputKind.DockerArchive;
            }
            return kind;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException)
        {
            return InputKind.Unknown;
        }
    }

    /// <summary>
    /// A layout in <paramref name="layoutDir"/> whose index names one manifest of <paramref name="source"/> <see cref="Tag"/>:
    /// the blobs are the source's (a symbolic link, nothing is copied); an image index resolves to this machine's platform.
    /// </summary>
    /// <returns>Null when it worked, else why not.</returns>
    public static string? TagLayout(string source, string layoutDir)
    {
        try
        {
            var blobs = Path.Combine(source, "blobs");
            var index = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "index.json"))) as JsonObject;
            var manifest = Choose(index?["manifests"] as JsonArray);
            for (var depth = 0; manifest is not null && IsIndex(manifest) && depth < 4; depth++)
                manifest = Choose((JsonNode.Parse(File.ReadAllText(BlobPath(source, (string?)manifest["digest"]))) as JsonObject)?["manifests"] as JsonArray);
            if (manifest is null || IsIndex(manifest)) return "the image layout names no image manifest for this platform";
            var copy = manifest.DeepClone().AsObject();
            copy["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = Tag };
            copy.Remove("platform");
            Directory.CreateDirectory(layoutDir);
            File.WriteAllText(Path.Combine(layoutDir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
            File.WriteAllText(Path.Combine(layoutDir, "index.json"), new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = IndexMediaType,
                ["manifests"] = new JsonArray(copy),
            }.ToJsonString());
            File.CreateSymbolicLink(Path.Combine(layoutDir, "blobs"), Path.GetFullPath(blobs));
            return null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            return "the image layout cannot be read: " + e.Message;
        }
    }

    private static bool IsIndex(JsonNode descriptor) => (string?)descriptor["mediaType"] is IndexMediaType or DockerListMediaType;

    private static JsonNode? Choose(JsonArray? manifests)
    {
        if (manifests is null || manifests.Count == 0) return null;
        if (manifests.Count == 1) return manifests[0];
        var arch = RuntimeInformation.OSArchitecture switch { Architecture.Arm64 => "arm64", Architecture.X64 => "amd64", var a => a.ToString().ToLowerInvariant() };
        return manifests.FirstOrDefault(m => (string?)m?["platform"]?["os"] == "linux" && (string?)m?["platform"]?["architecture"] == arch)
            ?? manifests.FirstOrDefault(m => m?["platform"] is null && m?["annotations"]?["org.opencontainers.image.ref.name"] is not null)
            ?? manifests[0];
    }

    private static string BlobPath(string layout, string? digest)
    {
        var parts = (digest ?? "").Split(':', 2);
        if (parts.Length != 2 || parts[0] != "sha256" || parts[1].Length != 64 || !parts[1].All(char.IsAsciiHexDigitLower))
            throw new FormatException($"bad digest '{digest}'");
        return Path.Combine(layout, "blobs", parts[0], parts[1]);
    }

    /// <summary>The HEALTHCHECK test (<c>["CMD", ...]</c> / <c>["CMD-SHELL", "..."]</c>) of the layout's <see cref="Tag"/>, or null.</summary>
    public static IReadOnlyList<string>? ReadHealthcheck(string layoutDir)
    {
        try
        {
            var index = JsonNode.Parse(File.ReadAllText(Path.Combine(layoutDir, "index.json")));
            var descriptor = (index?["manifests"] as JsonArray)?.FirstOrDefault(m => (string?)m?["annotations"]?["org.opencontainers.image.ref.name"] == Tag);
            var manifest = JsonNode.Parse(File.ReadAllText(BlobPath(layoutDir, (string?)descriptor?["digest"])));
            var config = JsonNode.Parse(File.ReadAllText(BlobPath(layoutDir, (string?)manifest?["config"]?["digest"])));
            var test = (config?["config"]?["Healthcheck"]?["Test"] as JsonArray)?.Select(t => (string?)t ?? "").ToList();
            return test is { Count: > 0 } ? test : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException or FormatException)
        {
            return null; // no readable config: no health check (umoci reports an unreadable image itself)
        }
    }

    /// <summary>The argv a HEALTHCHECK test runs, or null for <c>NONE</c> and anything unknown.</summary>
    public static IReadOnlyList<string>? HealthcheckArgv(IReadOnlyList<string>? test) => test switch
    {
        { Count: > 1 } when test[0] == "CMD" => test.Skip(1).ToList(),
        { Count: 2 } when test[0] == "CMD-SHELL" => ["/bin/sh", "-c", test[1]],
        _ => null,
    };

    /// <summary>runc's own default capability set (<c>runc spec</c>): nothing that administers the host.</summary>
    private static readonly string[] DefaultCapabilities = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];
    private static readonly string[] MaskedPaths =
        ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"];
    private static readonly string[] ReadonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    /// <summary>
    /// Rewrites umoci's runtime config for the smoke run: read-only root, no terminal, no new privileges, runc's default
    /// capabilities, namespaces of its own (a network namespace without a path: runc brings up loopback only), tmpfs on
    /// /tmp and /run, memory/CPU/pid limits, runc's masked and read-only paths.
    /// </summary>
    public static void RewriteConfig(string configPath, SmokeLimits limits)
    {
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        (config["root"] ??= new JsonObject { ["path"] = "rootfs" })["readonly"] = true;
        var process = (config["process"] ??= new JsonObject()).AsObject();
        process["terminal"] = false;
        process["noNewPrivileges"] = true;
        var caps = new JsonObject();
        // No inheritable or ambient sets (umoci adds ambient ones): as runc's default, nothing passes to a non-root user's children.
        foreach (var set in new[] { "bounding", "effective", "permitted" })
            caps[set] = new JsonArray(DefaultCapabilities.Select(c => (JsonNode)JsonValue.Create(c)).ToArray());
        process["capabilities"] = caps;
        config["hostname"] = "gatehouse-smoke";
        config.Remove("hooks");

        var mounts = (config["mounts"] as JsonArray) ?? [];
        var kept = mounts.Where(m => (string?)m?["destination"] is not ("/tmp" or "/run")).Select(m => m!.DeepClone()).ToList();
        kept.Add(Tmpfs("/tmp", "mode=1777"));
        kept.Add(Tmpfs("/run", "mode=755"));
        config["mounts"] = new JsonArray([.. kept]);

        var linux = (config["linux"] ??= new JsonObject()).AsObject();
        var namespaces = new JsonArray();
        foreach (var ns in new[] { "pid", "network", "ipc", "uts", "mount" }) namespaces.Add(new JsonObject { ["type"] = ns });
        linux["namespaces"] = namespaces; // no paths: every namespace is new, none is the host's
        var resources = (linux["resources"] ??= new JsonObject()).AsObject();
        resources["memory"] = new JsonObject { ["limit"] = limits.MemoryBytes };
        const long period = 100_000;
        resources["cpu"] = new JsonObject { ["quota"] = (long)Math.Max(1000, limits.Cpus * period), ["period"] = period };
        resources["pids"] = new JsonObject { ["limit"] = limits.Pids };
        linux["maskedPaths"] = new JsonArray(MaskedPaths.Select(p => (JsonNode)JsonValue.Create(p)).ToArray());
        linux["readonlyPaths"] = new JsonArray(ReadonlyPaths.Select(p => (JsonNode)JsonValue.Create(p)).ToArray());
        File.WriteAllText(configPath, config.ToJsonString());
    }

    private static JsonObject Tmpfs(string destination, string mode) => new()
    {
        ["destination"] = destination,
        ["type"] = "tmpfs",
        ["source"] = "tmpfs",
        ["options"] = new JsonArray("nosuid", "nodev", mode, "size=65536k"),
    };
}
