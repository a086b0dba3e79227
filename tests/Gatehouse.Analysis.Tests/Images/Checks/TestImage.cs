using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Images.Checks;
using Gatehouse.Analysis.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Analysis.Tests.Images.Checks;

/// <summary>
/// An image as the expander would describe it (<see cref="ImageFacts"/>), built in code: by default a plain, well-built
/// Debian 12 image (non-root numeric USER, the three OCI labels, a HEALTHCHECK, Debian's own setuid/setgid tools, /tmp 1777,
/// locked accounts, apt lists cleaned), which the checks must pass with low findings only. Tests change one thing each.
/// </summary>
internal sealed class TestImage
{
    public const string Root = "app.tar";

    /// <summary>debian:12's /etc/passwd (the base image's own accounts).</summary>
    public const string DebianPasswd =
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
        + "sys:x:3:3:sys:/dev:/usr/sbin/nologin\nsync:x:4:65534:sync:/bin:/bin/sync\ngames:x:5:60:games:/usr/games:/usr/sbin/nologin\n"
        + "man:x:6:12:man:/var/cache/man:/usr/sbin/nologin\nlp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin\nmail:x:8:8:mail:/var/mail:/usr/sbin/nologin\n"
        + "news:x:9:9:news:/var/spool/news:/usr/sbin/nologin\nuucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin\n"
        + "proxy:x:13:13:proxy:/bin:/usr/sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
        + "backup:x:34:34:backup:/var/backups:/usr/sbin/nologin\nlist:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin\n"
        + "irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin\n_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\n"
        + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\napp:x:10001:10001::/home/app:/usr/sbin/nologin\n";

    /// <summary>debian:12's /etc/shadow: every account locked (<c>*</c>, <c>!</c>).</summary>
    public static readonly string DebianShadow = string.Concat(DebianPasswd.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Split(':')[0]).Select(n => $"{n}:{(n == "app" ? "!" : "*")}:19760:0:99999:7:::\n"));

    public const string DebianOsRelease =
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\n"
        + "VERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\n";

    public ImageConfig Config { get; set; } = new()
    {
        User = "10001:10001",
        Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D", "PYTHON_SHA256=8fb5f9fbc7609fa822cb31549884575db7fd9657cbffb89510b5d7975963a83a", "PIP_NO_CACHE_DIR=1"],
        Labels = new Dictionary<string, string>
        {
            ["org.opencontainers.image.source"] = "https://git.example.org/acme/app",
            ["org.opencontainers.image.version"] = "1.4.2",
            ["org.opencontainers.image.licenses"] = "Apache-2.0",
        },
        ExposedPorts = ["8080/tcp"],
        Healthcheck = new ImageHealthcheck(["CMD", "/app/healthcheck"], TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(3), 3),
        History =
        [
            new("/bin/sh -c #(nop) ADD file:1b3f0c2dd63ae6aa1a3a6cf0b5b0ee54ac1f8c47d2e3e8b8a4b1d0f0e0e0e0e0 in / ", false, null, null),
            new("/bin/sh -c #(nop)  CMD [\"bash\"]", true, null, null),
            new("RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* # buildkit", false, null, null),
            new("ENV PIP_NO_CACHE_DIR=1", true, null, null),
            new("COPY app /app # buildkit", false, null, null),
            new("USER 10001:10001", true, null, null),
        ],
    };

    public int LayerCount { get; set; } = 3;

    public bool LayersComplete { get; set; } = true;

    public List<LayerEntry> Entries { get; } = [];

    public Dictionary<(int, string), string> Files { get; } = [];

    public static TestImage Debian()
    {
        var t = new TestImage();
        foreach (var dir in new[] { "bin", "etc", "usr", "usr/bin", "usr/sbin", "usr/lib", "var", "var/lib", "var/lib/apt", "var/lib/apt/lists", "var/cache", "var/cache/apt", "var/cache/apt/archives", "home", "app", "root" })
            t.Dir(0, dir, 0x1ED);
        t.Dir(0, "tmp", 0x3FF); // 1777
        t.Dir(0, "var/tmp", 0x3FF);
        t.File(0, "var/lib/apt/lists/lock", 0x1A4, 0);
        t.Dir(0, "var/lib/apt/lists/partial", 0x1C0);
        t.File(0, "var/cache/apt/archives/lock", 0x1A4, 0);
        foreach (var suid in new[] { "chfn", "chsh", "gpasswd", "mount", "newgrp", "passwd", "su", "umount" })
            t.File(0, "usr/bin/" + suid, 0x9ED, 60_000); // 4755
        foreach (var sgid in new[] { "usr/bin/chage", "usr/bin/expiry", "usr/sbin/unix_chkpwd" })
            t.File(0, sgid, 0x5ED, 40_000, gid: 42); // 2755, group shadow
        t.File(0, "usr/bin/bash", 0x1ED, 1_265_648);
        t.File(0, "etc/passwd", 0x1A4, DebianPasswd.Length, content: DebianPasswd);
        t.File(0, "etc/shadow", 0x1A0, DebianShadow.Length, gid: 42, content: DebianShadow);
        t.File(0, "usr/lib/os-release", 0x1A4, DebianOsRelease.Length, content: DebianOsRelease);
        t.Entries.Add(new LayerEntry(0, "etc/os-release", LayerEntryType.Symlink, 0x1FF, 0, 0, 0, "../usr/lib/os-release"));
        t.File(0, "etc/debian_version", 0x1A4, 6, content: "12.11\n");
        t.File(1, "usr/lib/ssl/certs/ca-certificates.crt", 0x1A4, 200_000);
        t.Dir(2, "app", 0x1E8, uid: 10001);
        t.File(2, "app/server", 0x1ED, 9_000_000, uid: 10001);
        t.File(2, "app/healthcheck", 0x1ED, 100_000, uid: 10001);
        return t;
    }

    public TestImage Dir(int layer, string path, int mode, int uid = 0) =>
        Add(new LayerEntry(layer, path, LayerEntryType.Directory, mode, uid, 0, 0, null));

    public TestImage File(int layer, string path, int mode, long size, int uid = 0, int gid = 0, string? content = null)
    {
        if (content is not null) Files[(layer, path)] = content;
        return Add(new LayerEntry(layer, path, LayerEntryType.File, mode, uid, gid, size, null));
    }

    public TestImage Add(LayerEntry entry)
    {
        Entries.Add(entry);
        return this;
    }

    public ImageFacts Facts()
    {
        var layers = Enumerable.Range(0, LayerCount)
            .Select(i => new ImageLayer(i, "sha256:" + new string((char)('a' + i % 6), 64), "sha256:" + new string((char)('0' + i % 10), 64), "application/vnd.oci.image.layer.v1.tar+gzip", 1000, null))
            .ToList();
        var image = new ContainerImage("sha256:" + new string('f', 64), "application/vnd.oci.image.manifest.v1+json", new ImagePlatform("linux", "amd64"),
            Config, "sha256:" + new string('e', 64), layers, "oci-layout");
        var facts = new ImageFacts { Image = image, LayersComplete = LayersComplete };
        foreach (var e in Entries) facts.Add(e);
        foreach (var (k, v) in Files) facts.Files[k] = v;
        return facts;
    }

    /// <summary>Runs the checks at <paramref name="now"/> (default 2026-12-05).</summary>
    public async Task<List<Finding>> CheckAsync(DateTimeOffset? now = null, Policy? policy = null, string artifactType = "container")
    {
        var findings = new List<Finding>();
        var context = new AnalysisContext(policy ?? Policy.Default, artifactType, findings.Add) { Image = Facts() };
        var artifact = new ScanFile { Path = Root, Length = 1, Sha256 = new string('0', 64), Depth = 0, Open = () => new MemoryStream() };
        var time = new FakeTimeProvider(now ?? new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        await new ImageChecksAnalyzer(time).AnalyzeAsync(artifact, context, CancellationToken.None);
        return findings;
    }
}
