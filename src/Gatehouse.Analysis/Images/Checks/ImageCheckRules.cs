using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Images.Checks;

/// <summary>
/// The <c>image.*</c> rules of <see cref="ImageChecksAnalyzer"/>, one page each in <c>docs/rules/</c>. Severities are chosen so
/// that a plain, well-built image (non-root USER, no secrets, Debian's own setuid tools, /tmp 1777) passes with low findings only:
/// see each page's "Severity" section.
/// </summary>
public static class ImageCheckRules
{
    public static readonly RuleDescriptor RunsAsRoot = new(
        "image.runs-as-root", "Image runs as root", Severity.Medium, "GH-CTR-1",
        "The image config's User is empty, 0, root (or a name /etc/passwd maps to uid 0), so the process starts as root. "
        + "Set USER to a numeric non-root UID:GID (e.g. 10001:10001).");

    public static readonly RuleDescriptor SecretInEnv = new(
        "image.secret-in-env", "Secret in an ENV default of the image config", Severity.High, "GH-SEC-1",
        "An ENV value of the image config holds a credential (a secret rule matched, or a PASSWORD/SECRET/TOKEN/API_KEY variable "
        + "with a real value). Everyone who pulls the image reads it with docker inspect. Rotate it and pass it at run time.");

    public static readonly RuleDescriptor SecretInLabel = new(
        "image.secret-in-label", "Secret in a label of the image config", Severity.High, "GH-SEC-1",
        "A label of the image config holds a credential. Labels are public metadata of the image. Rotate it and remove the label.");

    public static readonly RuleDescriptor SecretInHistory = new(
        "image.secret-in-history", "Secret in the build history of the image", Severity.High, "GH-SEC-1",
        "A history entry (the Dockerfile instruction, with its build arguments) holds a credential: build args and RUN lines are "
        + "kept in the image config. Rotate it and pass build secrets with RUN --mount=type=secret.");

    public static readonly RuleDescriptor RemoteAdd = new(
        "image.remote-add", "ADD from a URL in the build history", Severity.Medium, "GH-CTR-7",
        "A layer was made by ADD http(s)://..., which downloads whatever the URL serves at build time without a checksum. "
        + "Download with a pinned checksum (ADD --checksum=sha256:..., or curl and sha256sum -c) or COPY a vendored file.");

    public static readonly RuleDescriptor SetuidBinary = new(
        "image.setuid-binary", "setuid or setgid file in the final filesystem", Severity.Medium, "GH-CTR-3",
        "A file of the final filesystem has the setuid or setgid bit: run by anyone, it runs with its owner's or group's rights. "
        + "The distribution's own tools (passwd, su, mount, chage, unix_chkpwd, ...) are one low finding; anything else is medium. "
        + "Remove the bit (chmod ug-s) or the file.");

    public static readonly RuleDescriptor WorldWritableDir = new(
        "image.world-writable-dir", "World-writable directory without the sticky bit", Severity.Medium, "GH-CTR-3",
        "A directory of the final filesystem is writable by every user and lacks the sticky bit, so any process can replace "
        + "or delete the files of another there. Use 1777 (like /tmp) or, better, give it to the app's user with 0750.");

    public static readonly RuleDescriptor MissingLabel = new(
        "image.missing-label", "Standard label missing", Severity.Low, "GH-CTR-8",
        "The image config lacks a label the policy requires (by default org.opencontainers.image.source, .version and .licenses). "
        + "Add it with LABEL or docker build --label.");

    public static readonly RuleDescriptor OsEndOfLife = new(
        "image.os-end-of-life", "End-of-life base distribution", Severity.High, "GH-CTR-2",
        "The final filesystem's distribution release (os-release, alpine-release, debian_version) is past the end of its "
        + "vendor's security support (rules/images/eol.json), so its packages get no more fixes. Rebuild on a supported release.");

    public static readonly RuleDescriptor ExcessiveLayers = new(
        "image.excessive-layers", "Too many layers", Severity.Low, "GH-CTR-9",
        "The image has more layers than the policy allows (default 40, as Red Hat preflight). Combine RUN steps or use a "
        + "multi-stage build that copies the result into a fresh stage.");

    public static readonly RuleDescriptor PackageCache = new(
        "image.package-cache", "Package-manager cache left in the image", Severity.Low, "GH-CTR-9",
        "apt, apk, yum/dnf, pip or npm caches are part of the final filesystem: dead weight, and old package lists. Clean them "
        + "in the same RUN step (rm -rf /var/lib/apt/lists/*, apk add --no-cache, pip --no-cache-dir, npm cache clean --force).");

    public static readonly RuleDescriptor NoHealthcheck = new(
        "image.no-healthcheck", "No HEALTHCHECK declared", Severity.Low, "GH-CTR-11",
        "The image config declares no health check (or HEALTHCHECK NONE), so runtimes cannot tell a hung app from a healthy one. "
        + "Add HEALTHCHECK CMD ... or declare the health command in the submission.");

    public static readonly RuleDescriptor EmptyPassword = new(
        "image.empty-password", "Account with an empty password", Severity.High, "GH-CTR-10",
        "An account in the final /etc/shadow (or /etc/passwd) has an empty password field, so anyone can become it with su or "
        + "log in as it (the Docker Official Images no-hard-coded-passwords test). Lock it with '*' or '!' (passwd -l).");

    public static readonly RuleDescriptor SshExposed = new(
        "image.ssh-exposed", "SSH port 22 exposed", Severity.Medium, "GH-CTR-10",
        "The image config exposes port 22: an SSH server in an app image is a second way in with its own credentials to manage. "
        + "Remove the EXPOSE and the server; use the runtime's exec to get a shell.");

    /// <summary>Every rule, in documentation order.</summary>
    public static IReadOnlyList<RuleDescriptor> All { get; } =
    [
        RunsAsRoot, SecretInEnv, SecretInLabel, SecretInHistory, RemoteAdd, SetuidBinary, WorldWritableDir,
        MissingLabel, OsEndOfLife, ExcessiveLayers, PackageCache, NoHealthcheck, EmptyPassword, SshExposed,
    ];
}
