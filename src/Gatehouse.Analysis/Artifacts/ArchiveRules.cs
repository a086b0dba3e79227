using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Artifacts;

/// <summary>The rules <see cref="ArchiveWalker"/> reports; each has <c>docs/rules/{id}.md</c>.</summary>
internal static class ArchiveRules
{
    /// <summary>Archive safety (spec: downloadable files, "archive safety").</summary>
    public const string Requirement = "GH-FILE-2";

    public static readonly RuleDescriptor PathTraversal = new(
        "archive.path-traversal", "Archive entry name escapes the extraction root", Severity.Critical, Requirement,
        "An entry name contains '..', is absolute, has a drive letter, a backslash, or a NUL/control character. " +
        "Extracting it with a naive tool writes outside the target directory (zip slip). Rename the entries to plain relative paths.");

    public static readonly RuleDescriptor LinkEscape = new(
        "archive.link-escape", "Archive link points outside the archive", Severity.Low, Requirement,
        "A symbolic or hard link (tar, or a zip entry with Unix mode S_IFLNK) targets an absolute path or climbs out with '..'. " +
        "System packages do this routinely (usr/lib/ssl/certs -> /etc/ssl/certs); an app that serves files from its own folder would serve the host's. " +
        "Writing through such a link is archive.link-traversal. Replace the link with the file or a link inside the archive.");

    public static readonly RuleDescriptor LinkTraversal = new(
        "archive.link-traversal", "Archive entry is written through a link", Severity.Critical, Requirement,
        "An entry's path runs through a symbolic link stored earlier in the same archive (conf -> /etc, then conf/cron.d/job): an extractor " +
        "that follows the link writes outside the target directory (the symlink form of zip slip). Store real directories, never a link and then entries below it.");

    public static readonly RuleDescriptor SpecialFile = new(
        "archive.special-file", "Archive contains a device or fifo", Severity.High, Requirement,
        "A character device, block device, fifo or socket entry. Extracted as root it can expose host devices. Remove it from the archive.");

    public static readonly RuleDescriptor Bomb = new(
        "archive.bomb", "Archive exceeds a resource limit (decompression bomb)", Severity.High, Requirement,
        "Decompressing the archive exceeded a policy limit: compression ratio, member size, total size, nesting depth, entry count, " +
        "overlapping entry data, a member identical to its parent (quine) or the scan time budget. Ship ordinary, non-nested archives within the limits.");

    public static readonly RuleDescriptor Encrypted = new(
        "archive.encrypted", "Archive entry is encrypted", Severity.Medium, Requirement,
        "An entry is encrypted, so it cannot be scanned. Submit the archive without encryption.");

    public static readonly RuleDescriptor Corrupt = new(
        "archive.corrupt", "Archive is malformed", Severity.High, Requirement,
        "The archive is truncated, has a bad CRC, local and central headers that disagree, data outside any entry, concatenated archives, " +
        "or data our reader cannot decode. Different tools would extract different content. Rebuild the archive with a standard tool.");

    public static readonly RuleDescriptor DuplicateEntry = new(
        "archive.duplicate-entry", "Archive has two entries with the same name", Severity.Medium, Requirement,
        "Two entries share a name, so which one is extracted depends on the tool; a scanner may see one and the installer the other. Keep one entry per name.");

    public static readonly IReadOnlyList<RuleDescriptor> All =
        [PathTraversal, LinkEscape, LinkTraversal, SpecialFile, Bomb, Encrypted, Corrupt, DuplicateEntry];
}
