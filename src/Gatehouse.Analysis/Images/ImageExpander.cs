using System.Formats.Tar;
using System.Text;
using Gatehouse.Analysis.Artifacts;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Images;

/// <summary>
/// The pipeline's expander (issue 17): a container artifact is read as an image (<see cref="ImageArchive"/>: OCI layout or
/// docker-archive, digests verified) and every layer, base first, is walked by the <see cref="ArchiveWalker"/> with its
/// archive rules (traversal, link traversal, devices, bombs, corruption), its members handed to the pipeline under
/// <c>{artifact}!/sha256:&lt;diff-id&gt;!/path</c>: secrets, malware and active content are searched in every layer, files a
/// later layer deletes included. Each layer tar's entries (type, mode, owner, size, link) go to <see cref="ImageFacts"/>
/// for the final filesystem (<see cref="ImageFilesystem"/>) and the image checks. Any other artifact type is walked by the
/// archive walker exactly as before. The config blob is not handed to the file analyzers: the image checks read it
/// (<see cref="ImageFacts.ConfigBytes"/>).
/// </summary>
public sealed class ImageExpander : IArtifactExpander
{
    // Layer media types whose blob is a tar or a gzip-compressed tar (OCI image-spec layer types, Docker v2 schema 2).
    private static readonly HashSet<string> TarMediaTypes = new(StringComparer.Ordinal)
    {
        "application/vnd.oci.image.layer.v1.tar",
        "application/vnd.oci.image.layer.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.docker.image.rootfs.diff.tar",
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
    };

    private readonly ArchiveWalker _walker;
    private readonly Policy _policy;

    /// <param name="walker">Walks every layer, and every artifact that is not a container.</param>
    /// <param name="policy">Its <see cref="Policy.Images"/> section bounds the image.</param>
    public ImageExpander(ArchiveWalker walker, Policy policy)
    {
        ArgumentNullException.ThrowIfNull(walker);
        ArgumentNullException.ThrowIfNull(policy);
        _walker = walker;
        _policy = policy;
    }

    public string Id => "image";

    public string Version => "1.0.0";

    /// <summary>The image rules and the archive walker's (both are reported under this expander's runs).</summary>
    public static IReadOnlyList<RuleDescriptor> AllRules => ImageRules.All;

    public IReadOnlyList<RuleDescriptor> Rules => [.. ImageRules.All, .. ArchiveWalker.AllRules];

    /// <summary>Without a context the artifact type is unknown: the archive walker's walk.</summary>
    public Task ExpandAsync(ScanFile root, Func<ScanFile, CancellationToken, ValueTask> onMember, Action<Finding> report, CancellationToken ct) =>
        _walker.WalkAsync(root, onMember, report, ct);

    /// <inheritdoc/>
    public Task ExpandAsync(ScanFile root, Func<ScanFile, CancellationToken, ValueTask> onMember, Action<Finding> report, AnalysisContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!string.Equals(context.ArtifactType, Requirements.AppTypes.Container, StringComparison.Ordinal) || context.ArtifactPath is null)
            return _walker.WalkAsync(root, onMember, report, ct);
        return ExpandImageAsync(root, context.ArtifactPath, context.Image ?? new ImageFacts(), onMember, report, ct);
    }

    /// <summary>The last part of a layer's member paths: its DiffID (the uncompressed tar's digest, the same in every format), else its blob digest.</summary>
    public static string LayerName(ImageLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return IsSha256(layer.DiffId) ? layer.DiffId : layer.Digest;
    }

    /// <summary>A tar entry name as a path of the image's filesystem (<c>./usr//bin/</c> → <c>usr/bin</c>), as <see cref="LayerEntry.Path"/> has it.</summary>
    public static string PathOf(string entryName) => EntryNames.PathKey(entryName);

    private async Task ExpandImageAsync(ScanFile root, string path, ImageFacts facts, Func<ScanFile, CancellationToken, ValueTask> onMember,
        Action<Finding> report, CancellationToken ct)
    {
        ImageArchive archive;
        try
        {
            archive = ImageArchive.Open(path, _policy.Images);
        }
        catch (ImageException e)
        {
            // No image: its findings (critical or high) decide. A layer format the reader refuses leaves layers unread: incomplete.
            facts.LayersComplete = e.Code != ImageRules.UnsupportedLayer.Id;
            Report(report, e.Code, root.Path, e.Message, e.Code);
            // Fail closed, but still look: a file that is no image is walked as an archive, so what it holds is scanned.
            if (File.Exists(path)) await _walker.WalkAsync(root, onMember, report, ct).ConfigureAwait(false);
            return;
        }
        using (archive)
        {
            facts.Image = archive.Image;
            facts.ConfigBytes = archive.ConfigBytes;
            var layers = archive.Image.Layers;
            foreach (var layer in layers) facts.LayerPaths.Add(root.Path + "!/" + LayerName(layer));

            var whole = true;
            var entries = 0;
            for (var i = 0; i < layers.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var layer = layers[i];
                var layerPath = facts.LayerPaths[i];
                if (!TarMediaTypes.Contains(layer.MediaType))
                {
                    Unsupported(report, layerPath, layer, $"media type {layer.MediaType} is not a tar or a gzip-compressed tar");
                    facts.LayersComplete = whole = false;
                    continue;
                }
                var blob = new LayerBlob(() => archive.OpenBlob(layer.Digest), layer.Size);
                var walked = new ScanFile
                {
                    // Depth 0: the layer is a root of its own, so its members are at depth 1 like an archive's, and an
                    // archive inside a layer is opened to the same nesting depth as in any other artifact.
                    Path = layerPath, Length = layer.Size, Sha256 = Hex(layer.Digest), Depth = 0, Open = blob.Open,
                };
                var stop = false;
                // A layer whose bytes are not what its digest says is image.digest-mismatch: what the walker found
                // broken in it (archive.corrupt) is held back until the digest has been checked.
                var held = new List<Finding>();
                void LayerReport(Finding f)
                {
                    if (f.RuleId == "archive.corrupt") held.Add(f);
                    else report(f);
                }
                try
                {
                    if (!await IsTarOrGzipAsync(blob, ct).ConfigureAwait(false))
                    {
                        Unsupported(report, layerPath, layer, "its bytes are neither a tar nor a gzip-compressed tar");
                        await blob.EnsureVerifiedAsync(ct).ConfigureAwait(false);
                        facts.LayersComplete = whole = false;
                        continue;
                    }
                    var index = i;
                    var prefix = layerPath + "!/";
                    var reportedDepth = false;
                    await _walker.WalkLayerAsync(walked, (file, token) => Member(file, token), LayerReport, e =>
                    {
                        if (e.EntryType == TarEntryType.GlobalExtendedAttributes) return;
                        if (++entries > _policy.Images.MaxFiles) throw new FileLimitException();
                        var entry = ToEntry(index, e);
                        if (!reportedDepth && entry.Path.Count(c => c == '/') + 1 > _policy.Images.MaxPathDepth)
                        {
                            reportedDepth = true;
                            Report(report, ImageRules.Limit.Id, prefix + entry.Path,
                                $"a path in layer {index} is deeper than {_policy.Images.MaxPathDepth} segments (policy images.maxPathDepth)", "path-depth");
                        }
                        facts.Add(entry);
                    }, ct).ConfigureAwait(false);
                    // Only a walk that read the layer's tar to its end saw every entry.
                    if (!blob.ReachedEnd) facts.LayersComplete = false;
                    await blob.EnsureVerifiedAsync(ct).ConfigureAwait(false);
                    foreach (var f in held) report(f);
                    // The config names each layer by the digest of its uncompressed tar (its DiffID), and so do the paths of
                    // its findings: a layer whose tar is not what the config says is a mismatch too. Checked once the
                    // walker has read the layer whole, within the policy's limits (never a bomb's second decompression).
                    if (walked.FullyUnpacked && await DiffIdAsync(blob, layer, _policy.MaxTotalUncompressedBytes, ct).ConfigureAwait(false) is { } diffId
                        && !string.Equals(diffId, layer.DiffId, StringComparison.Ordinal))
                    {
                        Report(report, ImageRules.DigestMismatch.Id, layerPath,
                            $"layer {i} ({layer.Digest}): its uncompressed tar has digest {diffId}, the image config says {layer.DiffId}", "diff-id");
                        whole = false;
                    }

                    async ValueTask Member(ScanFile file, CancellationToken token)
                    {
                        if (file.Path.StartsWith(prefix, StringComparison.Ordinal) && file.Path.IndexOf("!/", prefix.Length, StringComparison.Ordinal) < 0)
                        {
                            var at = PathOf(file.Path[prefix.Length..]);
                            if (ImageFacts.CapturedPaths.Contains(at)) facts.Files[(index, at)] = await CaptureAsync(file, token).ConfigureAwait(false);
                        }
                        await onMember(file, token).ConfigureAwait(false);
                    }
                }
                catch (ImageException e)
                {
                    // A layer that is not what its digest says rejects the image (critical): that is a verdict, not an
                    // incomplete scan, so LayersComplete stays as the walk left it.
                    Report(report, e.Code, layerPath, $"layer {i} ({layer.Digest}): {e.Message}", e.Code);
                    whole = false;
                    if (e.Code != ImageRules.DigestMismatch.Id) facts.LayersComplete = false;
                    continue;
                }
                catch (FileLimitException)
                {
                    foreach (var f in held) report(f);
                    Report(report, ImageRules.Limit.Id, layerPath,
                        $"the layers hold more than {_policy.Images.MaxFiles} entries (policy images.maxFiles); layer {i} and the layers above it were not examined", "files");
                    facts.LayersComplete = whole = false;
                    stop = true;
                }
                whole &= walked.FullyUnpacked;
                // A layer whose every byte reached the analyzers as members is not scanned again as a blob (the secrets
                // analyzer would report each secret a second time, without its file); one that did not goes to them whole,
                // as the walker hands a nested archive, so the byte scanners (YARA, ClamAV) see what was not delivered.
                if (!walked.FullyUnpacked)
                {
                    await onMember(new ScanFile
                    {
                        Path = layerPath, Length = layer.Size, Sha256 = walked.Sha256, Depth = 1, Open = blob.Open,
                    }, ct).ConfigureAwait(false);
                }
                if (stop) break;
            }
            // YARA and ClamAV skip the image file itself only when every layer reached them whole as members (its other
            // parts are the config and manifests, which the image checks read).
            root.FullyUnpacked = whole;
        }
    }

    private static async Task<bool> IsTarOrGzipAsync(LayerBlob blob, CancellationToken ct)
    {
        var header = new byte[ArchiveSniffer.HeaderLength];
        int n;
        var s = blob.Open();
        await using (s.ConfigureAwait(false))
        {
            n = await s.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        }
        var span = header.AsSpan(0, n);
        // An empty layer is an empty tar: end-of-archive blocks only (or nothing at all).
        if (!span.ContainsAnyExcept((byte)0)) return true;
        return ArchiveSniffer.Detect(span) is ArchiveFormat.Tar or ArchiveFormat.Gzip;
    }

    private static LayerEntry ToEntry(int layer, TarEntry e)
    {
        var type = e.EntryType switch
        {
            TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => LayerEntryType.File,
            TarEntryType.Directory => LayerEntryType.Directory,
            TarEntryType.SymbolicLink => LayerEntryType.Symlink,
            TarEntryType.HardLink => LayerEntryType.Hardlink,
            TarEntryType.CharacterDevice => LayerEntryType.CharDevice,
            TarEntryType.BlockDevice => LayerEntryType.BlockDevice,
            TarEntryType.Fifo => LayerEntryType.Fifo,
            _ => LayerEntryType.Other,
        };
        var link = type is LayerEntryType.Symlink or LayerEntryType.Hardlink && !string.IsNullOrEmpty(e.LinkName) ? e.LinkName : null;
        return new LayerEntry(layer, PathOf(e.Name), type, (int)e.Mode, e.Uid, e.Gid, e.Length, link);
    }

    /// <summary>The first <see cref="ImageFacts.MaxCapturedBytes"/> of a small file the image checks read, as text.</summary>
    private static async Task<string> CaptureAsync(ScanFile file, CancellationToken ct)
    {
        if (file.Content is { } held) return Encoding.UTF8.GetString(held.Span[..Math.Min(held.Length, ImageFacts.MaxCapturedBytes)]);
        var buffer = new byte[ImageFacts.MaxCapturedBytes];
        var s = file.Open();
        await using (s.ConfigureAwait(false))
        {
            var n = await s.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            return Encoding.UTF8.GetString(buffer, 0, n);
        }
    }

    private static void Unsupported(Action<Finding> report, string layerPath, ImageLayer layer, string why) =>
        Report(report, ImageRules.UnsupportedLayer.Id, layerPath, $"layer {layer.Index} ({layer.Digest}) was not scanned: {why}", layer.MediaType);

    /// <summary>
    /// The digest of the layer's uncompressed tar: the blob's own digest when it is no gzip stream, else the SHA-256 of what
    /// it decompresses to; null past <paramref name="limit"/> bytes (not judged).
    /// </summary>
    private static async Task<string?> DiffIdAsync(LayerBlob blob, ImageLayer layer, long limit, CancellationToken ct)
    {
        var head = new byte[2];
        var s = blob.Open();
        await using (s.ConfigureAwait(false))
        {
            if (await s.ReadAtLeastAsync(head, 2, throwOnEndOfStream: false, ct).ConfigureAwait(false) < 2 || head[0] != 0x1F || head[1] != 0x8B)
                return layer.Digest;
        }
        var raw = blob.Open();
        await using (raw.ConfigureAwait(false))
        {
            var gzip = new System.IO.Compression.GZipStream(raw, System.IO.Compression.CompressionMode.Decompress);
            await using (gzip.ConfigureAwait(false))
            {
                using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 16];
                long total = 0;
                int n;
                while ((n = await gzip.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    total += n;
                    if (total > limit) return null;
                    sha.AppendData(buffer, 0, n);
                }
                return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
            }
        }
    }

    private static void Report(Action<Finding> report, string code, string path, string message, string key)
    {
        var rule = ImageRules.For(code);
        report(new Finding(rule.Id, rule.DefaultSeverity, path, message, Fingerprints.Of(rule.Id, path, key))
        {
            RequirementId = rule.RequirementId,
            AnalyzerId = "image",
        });
    }

    private static bool IsSha256(string? digest) =>
        digest is { Length: 71 } && digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.AsSpan(7).ContainsAnyExcept("0123456789abcdef") is false;

    private static string Hex(string digest) => digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest[7..] : digest;

    /// <summary>The image's entries passed <see cref="ImagePolicy.MaxFiles"/>: the walk of the layers stops.</summary>
    private sealed class FileLimitException() : Exception("image file limit reached");
}
