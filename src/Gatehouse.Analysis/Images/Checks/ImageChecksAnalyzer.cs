using System.Globalization;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Analyzers.Secrets;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Images.Checks;

/// <summary>
/// Checks a container image once its layers are walked (issue 17 §4), in the spirit of Red Hat preflight, Docker Scout
/// policies and Trivy's image-config checks: the config (user, ENV, labels, history, health check, ports, layer count) and
/// the final filesystem the layers make (<see cref="ImageFilesystem.Merge"/>: setuid/setgid files, world-writable
/// directories, accounts, base distribution, package caches). Reads <see cref="AnalysisContext.Image"/>; does nothing for
/// other artifact types or when the expander could not open the image (it reports why).
/// </summary>
/// <remarks>
/// When a layer could not be walked whole (<see cref="ImageFacts.LayersComplete"/> false) the final filesystem is not known:
/// the config checks still report, then the analyzer fails, so the verdict is <c>incomplete</c>, never a pass it did not earn.
/// Fingerprints hash the rule and the place (ENV name, label, file path, cache kind), never a layer digest, so a finding
/// follows the image from build to build.
/// </remarks>
public sealed partial class ImageChecksAnalyzer : IArtifactAnalyzer
{
    /// <summary>Setuid/setgid tools every Debian, Ubuntu, Alpine or RHEL base ships (shadow, util-linux, PAM, OpenSSH): low.</summary>
    public static readonly IReadOnlySet<string> WellKnownPrivilegedTools = new HashSet<string>(StringComparer.Ordinal)
    {
        "passwd", "su", "mount", "umount", "chsh", "chfn", "gpasswd", "newgrp", "chage", "expiry", "unix_chkpwd",
        "ssh-agent", "ssh-keysign", "pam_timestamp_check", "crontab", "wall", "write", "bsd-write", "ping", "ping6",
        "newuidmap", "newgidmap", "fusermount", "fusermount3", "dbus-daemon-launch-helper", "polkit-agent-helper-1",
        "utempter", "bbsuid",
    };

    private readonly TimeProvider _time;
    private readonly EolTable _eol;
    private readonly SecretRuleSet _secrets;

    public ImageChecksAnalyzer(TimeProvider time)
        : this(time, EolTable.Default)
    {
    }

    /// <param name="eol">The end-of-support table (tests pass their own).</param>
    public ImageChecksAnalyzer(TimeProvider time, EolTable eol)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(eol);
        _time = time;
        _eol = eol;
        _secrets = SecretRuleSet.Default;
    }

    /// <summary>Every rule, for <c>gatehouse rules</c>.</summary>
    public static IReadOnlyList<RuleDescriptor> AllRules => ImageCheckRules.All;

    public string Id => "image.checks";

    public string Version => "1.0.0";

    public IReadOnlyList<RuleDescriptor> Rules => ImageCheckRules.All;

    public async ValueTask AnalyzeAsync(ScanFile artifact, AnalysisContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        ArgumentNullException.ThrowIfNull(context);
        if (!string.Equals(context.ArtifactType, "container", StringComparison.OrdinalIgnoreCase)) return;
        if (context.Image is not { Image: { } image } facts) return;

        var root = artifact.Path;
        var policy = context.Policy.Images;
        var config = image.Config;
        void Report(RuleDescriptor rule, string path, string message, string fingerprintKey, string? evidence = null, Severity? severity = null) =>
            context.Report(new Finding(rule.Id, severity ?? rule.DefaultSeverity, path, message, Fingerprints.Of(rule.Id, fingerprintKey))
            {
                RequirementId = rule.RequirementId,
                AnalyzerId = Id,
                Evidence = evidence,
            });

        // Config: secrets first (they matter most), then the build history and the declared runtime settings.
        var secrets = new ConfigSecrets(_secrets, root, f => context.Report(f with { AnalyzerId = Id }));
        await secrets.ScanEnvAsync(config.Env, ct).ConfigureAwait(false);
        await secrets.ScanLabelsAsync(config.Labels, ct).ConfigureAwait(false);
        await secrets.ScanHistoryAsync(config, ct).ConfigureAwait(false);

        for (var i = 0; i < config.History.Count; i++)
        {
            if (config.History[i].CreatedBy is not { } line || RemoteAdd().Match(line) is not { Success: true } m) continue;
            if (line.Contains("--checksum=", StringComparison.Ordinal)) continue; // pinned: the download is verified
            var url = StripUserInfo(m.Groups["url"].Value);
            Report(ImageCheckRules.RemoteAdd, $"{root}!/config/history/{i}",
                $"History entry {i} adds {url} from the network at build time, unverified (ADD without --checksum)",
                $"{root}\0{url}", url);
        }

        foreach (var label in policy.RequiredLabels)
        {
            if (config.Labels.TryGetValue(label, out var value) && !string.IsNullOrWhiteSpace(value)) continue;
            Report(ImageCheckRules.MissingLabel, $"{root}!/config/Labels/{label}", $"The image has no {label} label", $"{root}\0{label}", label);
        }

        if (image.Layers.Count > policy.ExcessiveLayers)
        {
            Report(ImageCheckRules.ExcessiveLayers, root,
                $"The image has {image.Layers.Count} layers; the policy allows {policy.ExcessiveLayers}", root,
                $"{image.Layers.Count} layers");
        }

        if (config.Healthcheck is not { Test.Count: > 0 } hc || string.Equals(hc.Test[0], "NONE", StringComparison.OrdinalIgnoreCase))
        {
            Report(ImageCheckRules.NoHealthcheck, $"{root}!/config/Healthcheck",
                config.Healthcheck is null ? "The image declares no HEALTHCHECK" : "The image disables the health check (HEALTHCHECK NONE)", root);
        }

        foreach (var port in config.ExposedPorts)
        {
            if (port is not ("22" or "22/tcp")) continue;
            Report(ImageCheckRules.SshExposed, $"{root}!/config/ExposedPorts/22/tcp", "The image exposes port 22 (SSH)", root, port);
        }

        // The final filesystem: only when every layer was walked whole.
        ImageFilesystem? fs = facts.LayersComplete ? ImageFilesystem.Merge(facts.Entries) : null;
        string? Read(string path) => fs is null ? null : ReadFinal(facts, fs, path);

        var user = (config.User ?? "").Trim();
        var rootReason = RootReason(user, fs is null ? null : Read("etc/passwd"));
        if (rootReason is not null)
        {
            Report(ImageCheckRules.RunsAsRoot, $"{root}!/config/User", $"The image runs as root: {rootReason}", root,
                user.Length == 0 ? "User: (empty)" : $"User: {user}");
        }

        if (fs is null)
        {
            throw new InvalidDataException(
                "some layers of the image could not be walked whole, so the final filesystem is unknown: setuid/setgid files, "
                + "world-writable directories, accounts, the base distribution and package caches were not checked");
        }

        CheckFiles(fs, facts, root, Report);
        CheckAccounts(Read, root, Report);
        CheckDistribution(Read, root, Report);
        CheckCaches(fs, root, Report);
    }

    private static void CheckFiles(ImageFilesystem fs, ImageFacts facts, string root, Action<RuleDescriptor, string, string, string, string?, Severity?> report)
    {
        var known = new List<string>();
        foreach (var (path, e) in fs.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (e.Type is LayerEntryType.File or LayerEntryType.Hardlink && (e.Mode & 0xC00) != 0)
            {
                var bits = (e.Mode & 0xC00) switch { 0xC00 => "setuid and setgid", 0x800 => "setuid", _ => "setgid" };
                if (WellKnownPrivilegedTools.Contains(e.Name))
                {
                    known.Add($"/{path} ({bits})");
                    continue;
                }
                var owner = (e.Mode & 0x800) != 0 ? $"uid {e.Uid}" : $"gid {e.Gid}";
                report(ImageCheckRules.SetuidBinary, $"{root}!/{path}", $"/{path} is {bits} ({owner}, mode {Octal(e.Mode)}) and is not one of the distribution's own tools",
                    $"{root}\0{path}", $"{Octal(e.Mode)} uid {e.Uid} gid {e.Gid}, {LayerName(facts, e.Layer)}", null);
            }
            else if (e.Type == LayerEntryType.Directory && (e.Mode & 0x2) != 0 && (e.Mode & 0x200) == 0)
            {
                report(ImageCheckRules.WorldWritableDir, $"{root}!/{path}", $"/{path} is writable by every user and has no sticky bit (mode {Octal(e.Mode)})",
                    $"{root}\0{path}", $"{Octal(e.Mode)}, {LayerName(facts, e.Layer)}", null);
            }
        }
        if (known.Count > 0)
        {
            report(ImageCheckRules.SetuidBinary, root, $"{known.Count} of the distribution's own tools are setuid or setgid",
                $"{root}\0well-known", string.Join(", ", known), Severity.Low);
        }
    }

    private static void CheckAccounts(Func<string, string?> read, string root, Action<RuleDescriptor, string, string, string, string?, Severity?> report)
    {
        var shadowed = new HashSet<string>(StringComparer.Ordinal);
        if (read("etc/shadow") is { } shadow)
        {
            foreach (var (name, field) in Accounts(shadow))
            {
                shadowed.Add(name);
                if (field.Length != 0) continue;
                report(ImageCheckRules.EmptyPassword, $"{root}!/etc/shadow", $"Account {name} has an empty password in /etc/shadow: anyone can become {name} without one",
                    $"{root}\0{name}", $"{name}::", null);
            }
        }
        if (read("etc/passwd") is { } passwd)
        {
            foreach (var (name, field) in Accounts(passwd))
            {
                // An empty second field in /etc/passwd means "no password"; /etc/shadow is not consulted then.
                if (field.Length != 0) continue;
                report(ImageCheckRules.EmptyPassword, $"{root}!/etc/passwd", $"Account {name} has an empty password field in /etc/passwd: anyone can become {name} without one",
                    $"{root}\0{name}", $"{name}::", null);
            }
        }
    }

    private void CheckDistribution(Func<string, string?> read, string root, Action<RuleDescriptor, string, string, string, string?, Severity?> report)
    {
        if (ImageOs.Detect(read) is not { VersionId: { } version } os) return;
        if (_eol.Find(os.Id, version) is not { } release) return;
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        if (today <= release.Eol) return;
        report(ImageCheckRules.OsEndOfLife, $"{root}!/{os.Source}",
            $"The base distribution {release.Name} reached the end of its security support on {release.Eol:yyyy-MM-dd}",
            $"{root}\0{os.Id}\0{release.Version}", $"{os.Id} {version} (eol.json {_eol.Version}: {release.Eol:yyyy-MM-dd})", null);
    }

    private static void CheckCaches(ImageFilesystem fs, string root, Action<RuleDescriptor, string, string, string, string?, Severity?> report)
    {
        var caches = new SortedDictionary<string, (string Kind, int Files, long Bytes)>(StringComparer.Ordinal);
        foreach (var (path, e) in fs.Entries)
        {
            if (e.Type != LayerEntryType.File || CacheOf(path) is not { } cache) continue;
            var (kind, dir) = cache;
            var c = caches.TryGetValue(dir, out var old) ? old : (Kind: kind, Files: 0, Bytes: 0L);
            caches[dir] = (kind, c.Files + 1, c.Bytes + e.Size);
        }
        foreach (var (dir, c) in caches)
        {
            report(ImageCheckRules.PackageCache, $"{root}!/{dir}",
                $"The {c.Kind} cache /{dir} is left in the image: {c.Files} files, {Size(c.Bytes)}",
                $"{root}\0{dir}", $"{c.Kind}: {c.Files} files, {c.Bytes} bytes", null);
        }
    }

    /// <summary>The cache a final-filesystem file belongs to (kind, cache folder), or null.</summary>
    internal static (string Kind, string Dir)? CacheOf(string path)
    {
        if (path.StartsWith("var/cache/apt/archives/", StringComparison.Ordinal))
            return path.EndsWith(".deb", StringComparison.Ordinal) ? ("apt", "var/cache/apt/archives") : null;
        if (path.StartsWith("var/cache/apt/", StringComparison.Ordinal) && path.EndsWith(".bin", StringComparison.Ordinal))
            return ("apt", "var/cache/apt");
        if (path.StartsWith("var/lib/apt/lists/", StringComparison.Ordinal))
            return path is "var/lib/apt/lists/lock" || path.StartsWith("var/lib/apt/lists/partial/", StringComparison.Ordinal) || path.EndsWith("/auxfiles", StringComparison.Ordinal)
                ? null : ("apt lists", "var/lib/apt/lists");
        if (path.StartsWith("var/cache/apk/", StringComparison.Ordinal)) return ("apk", "var/cache/apk");
        if (path.StartsWith("var/cache/yum/", StringComparison.Ordinal)) return ("yum", "var/cache/yum");
        if (path.StartsWith("var/cache/dnf/", StringComparison.Ordinal)) return ("dnf", "var/cache/dnf");
        foreach (var (marker, kind) in new[] { (".cache/pip/", "pip"), (".npm/_cacache/", "npm"), (".cache/yarn/", "yarn") })
        {
            var i = path.IndexOf(marker, StringComparison.Ordinal);
            if (i >= 0 && (i == 0 || path[i - 1] == '/')) return (kind, path[..(i + marker.Length - 1)]);
        }
        return null;
    }

    /// <summary>Why <paramref name="user"/> is root, or null when it is not (or cannot be told without /etc/passwd).</summary>
    internal static string? RootReason(string user, string? passwd)
    {
        if (user.Length == 0) return "the config sets no User, so the runtime's default (root) applies";
        var name = user.Split(':', 2)[0];
        if (name.Length == 0) return "the config's User has no user part";
        if (name.All(char.IsAsciiDigit))
            return int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var uid) && uid == 0 ? $"User is uid {name}" : null;
        if (name == "root") return "User is root";
        if (passwd is null) return null;
        foreach (var line in passwd.Split('\n'))
        {
            var f = line.Split(':');
            if (f.Length >= 3 && f[0] == name && f[2].Trim() == "0") return $"/etc/passwd maps {name} to uid 0";
        }
        return null;
    }

    /// <summary>Name and password field of each line of a passwd/shadow file (comments, NIS <c>+</c>/<c>-</c> lines skipped).</summary>
    private static IEnumerable<(string Name, string Field)> Accounts(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] is '#' or '+' or '-') continue;
            var f = line.Split(':');
            if (f.Length < 2 || f[0].Length == 0) continue;
            yield return (f[0], f[1]);
        }
    }

    /// <summary>The captured text of a final-filesystem file, following symlinks (Debian's etc/os-release) and hardlinks.</summary>
    internal static string? ReadFinal(ImageFacts facts, ImageFilesystem fs, string path)
    {
        for (var hops = 0; hops < 16; hops++)
        {
            if (fs.Get(path) is not { } e) return null;
            switch (e.Type)
            {
                case LayerEntryType.File:
                    return facts.Files.TryGetValue((e.Layer, e.Path), out var text) ? text : null;
                case LayerEntryType.Hardlink when e.LinkTarget is { } target:
                    if (facts.Files.TryGetValue((e.Layer, e.Path), out var linked)) return linked;
                    path = ImageFilesystem.Normalize(target);
                    break;
                case LayerEntryType.Symlink when e.LinkTarget is { } target:
                    path = ResolveLink(e.Path, target);
                    break;
                default:
                    return null;
            }
        }
        return null;
    }

    /// <summary>A symlink's target as a path of the image root (absolute targets are relative to the image root).</summary>
    internal static string ResolveLink(string linkPath, string target)
    {
        var parts = new List<string>();
        if (!target.StartsWith('/'))
        {
            var dir = linkPath.Contains('/', StringComparison.Ordinal) ? linkPath[..linkPath.LastIndexOf('/')] : "";
            parts.AddRange(dir.Split('/', StringSplitOptions.RemoveEmptyEntries));
        }
        foreach (var seg in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (seg == ".") continue;
            if (seg == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(seg);
        }
        return string.Join('/', parts);
    }

    private static string LayerName(ImageFacts facts, int layer) =>
        facts.Image is { } image && layer >= 0 && layer < image.Layers.Count ? $"layer {layer} ({image.Layers[layer].Digest})" : $"layer {layer}";

    private static string Octal(int mode) => "0" + Convert.ToString(mode & 0xFFF, 8);

    private static string Size(long bytes) => bytes >= 1 << 20
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB");

    private static string StripUserInfo(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var at = url.IndexOf('@', StringComparison.Ordinal);
        var slash = scheme < 0 ? -1 : url.IndexOf('/', scheme + 3);
        return scheme >= 0 && at > scheme && (slash < 0 || at < slash) ? url[..(scheme + 3)] + "…@" + url[(at + 1)..] : url;
    }

    /// <summary><c>ADD [--flags] http(s)://...</c> in a history line (BuildKit's <c>ADD url dst # buildkit</c> and the classic <c>#(nop) ADD</c>).</summary>
    [GeneratedRegex(@"(?i)(?:^|\s|#\(nop\)\s*)ADD\s+(?:--\S+\s+)*""?(?<url>https?://[^\s""]+)")]
    private static partial Regex RemoteAdd();
}
