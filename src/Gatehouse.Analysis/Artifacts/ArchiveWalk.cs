using System.Buffers;
using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Artifacts;

/// <summary>
/// The state of one <see cref="ArchiveWalker.WalkAsync"/> call: running totals for the limits that span
/// the whole artifact (total bytes, entry count, time) and the findings already reported.
/// </summary>
internal sealed class ArchiveWalk
{
    /// <summary>The ratio limit applies to members whose uncompressed size passes 1 MiB (small files compress wildly).</summary>
    private const long RatioFloor = 1L << 20;
    private const int CopyBufferSize = 1 << 16;
    private const int MaxLinkTarget = 4096;

    /// <summary>
    /// Buffers of members kept in memory. A pool of its own, a few arrays per size: the shared pool also keeps one array
    /// per size on every thread that returned one, which for 1 MiB members adds up to tens of MB that stay (issue 15: peak RSS).
    /// </summary>
    private static readonly ArrayPool<byte> MemberBuffers = ArrayPool<byte>.Create(maxArrayLength: 4 << 20, maxArraysPerBucket: 8);

    private readonly Policy _policy;
    private readonly string _tempDirectory;
    private readonly TimeProvider _time;
    private readonly Func<ScanFile, CancellationToken, ValueTask> _onFile;
    private readonly Action<Finding> _report;
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private CancellationToken _token;
    private long _total;
    private int _count;
    private Coverage? _current;

    /// <summary>Members up to this size stay in memory (<see cref="ScanFile.Content"/>).</summary>
    public int InMemoryMemberBytes { get; init; }

    public ScanProfile? Profile { get; init; }

    /// <summary>
    /// Set when the walked root is a container image layer (issue 17): called with every entry of the root tar itself (not
    /// of nested archives), before the entry is judged or extracted. Also switches link judging to the container's root
    /// (see <see cref="CheckLink"/>). Its exceptions propagate out of the walk unchanged.
    /// </summary>
    public Action<TarEntry>? LayerEntries { get; init; }

    private ScanFile? _root;

    /// <summary>Whether the archive being walked has delivered every byte as members so far.</summary>
    private sealed class Coverage
    {
        public bool Complete = true;
    }

    /// <summary>Something in the archive being walked did not reach the pipeline as a member: it gets a whole-file scan.</summary>
    private void MarkIncomplete()
    {
        if (_current is { } c) c.Complete = false;
    }

    public ArchiveWalk(Policy policy, string tempDirectory, TimeProvider time, Func<ScanFile, CancellationToken, ValueTask> onFile, Action<Finding> report)
    {
        _policy = policy;
        _tempDirectory = tempDirectory;
        _time = time;
        _onFile = onFile;
        _report = report;
    }

    public async Task RunAsync(ScanFile root, CancellationToken ct)
    {
        // The time budget is a cancellation we own: when it fires we report and return normally.
        var budgetLength = _policy.MaxScanTime <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1)
            : _policy.MaxScanTime > TimeSpan.FromDays(24) ? TimeSpan.FromDays(24) : _policy.MaxScanTime;
        using var budget = new CancellationTokenSource(budgetLength, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, budget.Token);
        _token = linked.Token;
        _root = root;
        try
        {
            await WalkArchiveAsync(root, [root.Sha256]).ConfigureAwait(false);
        }
        catch (WalkStoppedException)
        {
            // A walk-wide limit was hit and reported.
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && budget.IsCancellationRequested)
        {
            ReportBomb(root.Path, "time", $"the scan ran longer than its time budget ({_policy.MaxScanTime}); the rest of the archive was not examined");
        }
        catch (PassThroughException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }

    private async Task WalkArchiveAsync(ScanFile archive, string[] ancestors)
    {
        var header = new byte[ArchiveSniffer.HeaderLength];
        int headerLength;
        var s = archive.Open();
        await using (s.ConfigureAwait(false))
        {
            headerLength = await s.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, _token).ConfigureAwait(false);
        }
        var format = ArchiveSniffer.Detect(header.AsSpan(0, headerLength));
        if (format == ArchiveFormat.None) return;
        var outer = _current;
        var coverage = _current = new Coverage();
        try
        {
            switch (format)
            {
                case ArchiveFormat.Zip:
                    await WalkZipAsync(archive, 0, ancestors).ConfigureAwait(false);
                    break;
                case ArchiveFormat.Crx:
                    var offset = ArchiveSniffer.CrxZipOffset(header.AsSpan(0, headerLength), archive.Length);
                    if (offset < 0) ReportCorrupt(archive.Path, "crx-header", "the CRX header is not version 2 or 3, or points past the end of the file");
                    else await WalkZipAsync(archive, offset, ancestors).ConfigureAwait(false);
                    coverage.Complete = false; // the CRX header (keys, signatures: any size) is not a member
                    break;
                case ArchiveFormat.Gzip:
                    await WalkGzipAsync(archive, ancestors).ConfigureAwait(false);
                    break;
                case ArchiveFormat.Tar:
                    var tar = archive.Open();
                    await using (tar.ConfigureAwait(false))
                    {
                        await WalkTarAsync(archive, tar, ancestors).ConfigureAwait(false);
                    }
                    break;
                default:
                    coverage.Complete = false;
                    break;
            }
        }
        catch (ArchiveLimitException e)
        {
            ReportBomb(e.Path, e.Kind, e.Message);
            if (e.StopsWalk) throw new WalkStoppedException();
        }
        catch (Exception e) when (IsMalformedInput(e))
        {
            ReportCorrupt(archive.Path, "unreadable", $"cannot be read as {format.ToString().ToLowerInvariant()}: {Describe(e)}");
        }
        finally
        {
            _current = outer;
        }
        // Reached only when the walk of this archive ended normally; any report on the way cleared Complete.
        archive.FullyUnpacked = coverage.Complete;
    }

    // ---- zip

    private async Task WalkZipAsync(ScanFile archive, long zipOffset, string[] ancestors)
    {
        var s = archive.Open();
        string? copy = null;
        try
        {
            if (!s.CanSeek)
            {
                // The central directory is at the end; a non-seekable source is spooled to a walker-named file first.
                var path = copy = NewTempPath();
                var output = Storage(() => new FileStream(path, PrivateFiles.CreateNew(FileAccess.Write)));
                await using (output.ConfigureAwait(false))
                {
                    try
                    {
                        await s.CopyToAsync(output, _token).ConfigureAwait(false);
                    }
                    catch (IOException e)
                    {
                        throw new PassThroughException(e);
                    }
                }
                await s.DisposeAsync().ConfigureAwait(false);
                s = Storage(() => File.OpenRead(path));
            }
            using var zip = new WindowStream(s, zipOffset, s.Length - zipOffset);
            var layout = ZipParser.Parse(zip, Math.Max(0, _policy.MaxEntryCount - _count));
            var overlap = false;
            foreach (var d in layout.Defects)
            {
                if (d.Kind == ZipDefectKind.Overlap)
                {
                    overlap = true;
                    ReportBomb(archive.Path, "overlap", $"{d.Detail}: shared data lets a small file decompress many times over");
                }
                else
                {
                    ReportCorrupt(d.EntryName is null ? archive.Path : MemberPath(archive, d.EntryName), DefectKey(d.Kind), d.Detail);
                }
            }
            if (layout.TooManyEntries)
            {
                ReportBomb(archive.Path, "count", $"more than {_policy.MaxEntryCount} entries in total (policy MaxEntryCount)");
                throw new WalkStoppedException();
            }
            if (overlap) return;
            var entries = layout.Entries;
            if (layout.Unreadable)
            {
                // Fail closed but still look: what a streaming reader would extract from a broken zip gets scanned.
                entries = ZipParser.ScanLocalHeaders(zip, Math.Max(0, _policy.MaxEntryCount - _count));
                if (entries.Count > 0)
                    ReportCorrupt(archive.Path, "salvaged", $"no usable central directory; {entries.Count} entries recovered from local headers were scanned");
            }
            await WalkZipEntriesAsync(archive, zip, entries, ancestors).ConfigureAwait(false);
        }
        finally
        {
            await s.DisposeAsync().ConfigureAwait(false);
            if (copy is not null) DeleteQuietly(copy);
        }
    }

    private async Task WalkZipEntriesAsync(ScanFile archive, Stream zip, List<ZipEntryRecord> entries, string[] ancestors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var links = new LinkedDirectories();
        foreach (var e in entries)
        {
            _token.ThrowIfCancellationRequested();
            CountEntry(archive);
            var path = MemberPath(archive, e.Name);
            CheckName(e.Name, path);
            CheckThroughLink(links, e.Name, path);
            if (e.IsDirectory)
            {
                // Extractors make a directory and drop the data, so a scanner that skips it too would miss content.
                if (e.CompressedSize > 0 && e.UncompressedSize > 0 && e.Method is 0 or 8)
                    ReportCorrupt(path, "directory-with-data", $"a directory entry carries {e.UncompressedSize} bytes of data that extractors drop");
                continue;
            }
            var fileType = e.UnixMode & 0xF000;
            if (fileType == 0xA000) links.Add(e.Name);
            if (fileType == 0xA000)
            {
                MarkIncomplete(); // its data (the link target) is read, not delivered as a member
                await CheckZipLinkAsync(zip, e, path).ConfigureAwait(false);
                continue;
            }
            if (fileType is 0x1000 or 0x2000 or 0x6000 or 0xC000)
            {
                ReportSpecial(path, fileType switch { 0x1000 => "fifo", 0x2000 => "character device", 0x6000 => "block device", _ => "socket" });
                continue;
            }
            if (!names.Add(EntryNames.Display(e.Name))) ReportDuplicate(path);
            if (e.IsEncrypted)
            {
                Report(ArchiveRules.Encrypted, path, "encrypted", "the entry is encrypted (general purpose flag bit 0), so it cannot be scanned");
                continue;
            }
            if (!e.DataUsable)
            {
                MarkIncomplete(); // reported as a defect above
                continue;
            }
            if (e.Method is not (0 or 8))
            {
                ReportCorrupt(path, "method", $"compression method {e.Method} is not supported, so the entry cannot be scanned");
                continue;
            }
            try
            {
                var data = new WindowStream(zip, e.DataOffset, e.CompressedSize);
                var content = e.Method == 8 ? (Stream)new DeflateStream(data, CompressionMode.Decompress) : data;
                await using (content.ConfigureAwait(false))
                {
                    await EmitMemberAsync(archive, e.Name, content, e.CompressedSize, ancestors, e.UncompressedSize, e.Crc32).ConfigureAwait(false);
                }
            }
            catch (InvalidDataException ex)
            {
                ReportCorrupt(path, "data", $"the compressed data is invalid: {Describe(ex)}");
            }
        }
    }

    /// <summary>A zip entry with Unix mode S_IFLNK: its data is the link target. Read a bounded prefix, never extract.</summary>
    private async Task CheckZipLinkAsync(Stream zip, ZipEntryRecord e, string path)
    {
        if (!e.DataUsable || e.IsEncrypted || e.Method is not (0 or 8)) return;
        try
        {
            var data = new WindowStream(zip, e.DataOffset, Math.Min(e.CompressedSize, MaxLinkTarget * 2L));
            var content = e.Method == 8 ? (Stream)new DeflateStream(data, CompressionMode.Decompress) : data;
            await using (content.ConfigureAwait(false))
            {
                var buffer = new byte[MaxLinkTarget];
                var n = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, _token).ConfigureAwait(false);
                var target = System.Text.Encoding.UTF8.GetString(buffer, 0, n);
                if (EntryNames.LinkEscapes(e.Name, target, hardLink: false)) ReportLinkEscape(path, "symlink", target);
            }
        }
        catch (InvalidDataException ex)
        {
            ReportCorrupt(path, "data", $"the compressed data is invalid: {Describe(ex)}");
        }
    }

    private static string DefectKey(ZipDefectKind kind) => kind switch
    {
        ZipDefectKind.Truncated => "truncated",
        ZipDefectKind.Concatenated => "concatenated",
        ZipDefectKind.HiddenData => "hidden-data",
        ZipDefectKind.BadCentralDirectory => "central-directory",
        ZipDefectKind.HeaderMismatch => "header-mismatch",
        ZipDefectKind.OutOfBounds => "out-of-bounds",
        ZipDefectKind.Unsupported => "unsupported",
        _ => "other",
    };

    // ---- tar and gzip

    private async Task WalkTarAsync(ScanFile archive, Stream s, string[] ancestors)
    {
        var reader = new TarReader(new TarGuardStream(s, archive.Path), leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            var links = new LinkedDirectories();
            var layer = LayerEntries is not null && ReferenceEquals(archive, _root);
            while (await reader.GetNextEntryAsync(copyData: false, _token).ConfigureAwait(false) is { } e)
            {
                CountEntry(archive);
                if (layer) ObserveLayerEntry(e);
                var raw = e.Name;
                var path = MemberPath(archive, raw);
                CheckName(raw, path);
                CheckThroughLink(links, raw, path);
                if (e.EntryType == TarEntryType.SymbolicLink) links.Add(raw);
                switch (e.EntryType)
                {
                    case TarEntryType.Directory:
                    case TarEntryType.GlobalExtendedAttributes:
                        break;
                    case TarEntryType.SymbolicLink:
                    case TarEntryType.HardLink:
                        var hard = e.EntryType == TarEntryType.HardLink;
                        if (CheckLink(raw, e.LinkName, hard, layer)) ReportLinkEscape(path, hard ? "hard link" : "symlink", e.LinkName);
                        break;
                    case TarEntryType.CharacterDevice:
                        ReportSpecial(path, "character device");
                        break;
                    case TarEntryType.BlockDevice:
                        ReportSpecial(path, "block device");
                        break;
                    case TarEntryType.Fifo:
                        ReportSpecial(path, "fifo");
                        break;
                    case TarEntryType.RegularFile:
                    case TarEntryType.V7RegularFile:
                    case TarEntryType.ContiguousFile:
                        if (!names.Add(EntryNames.Display(raw))) ReportDuplicate(path);
                        await EmitMemberAsync(archive, raw, e.DataStream ?? Stream.Null, null, ancestors, e.Length, null).ConfigureAwait(false);
                        break;
                    default:
                        ReportCorrupt(path, "entry-type", $"tar entry type {e.EntryType} is not supported, so the entry cannot be scanned");
                        break;
                }
            }
        }
        // Bytes after the end-of-archive blocks belong to no member: anything but zero padding gets a whole-file scan.
        if (!await OnlyZerosLeftAsync(s).ConfigureAwait(false)) MarkIncomplete();
    }

    /// <summary>
    /// Whether a link escapes its root. In an image layer (<paramref name="containerRoot"/>) an absolute target is resolved in
    /// the container's root filesystem, not the host's (<c>usr/lib/ssl/certs -&gt; /etc/ssl/certs</c> is the image's own
    /// folder), so only a target whose <c>..</c> climbs above that root escapes.
    /// </summary>
    private static bool CheckLink(string raw, string target, bool hard, bool containerRoot)
    {
        if (containerRoot && target.Length > 0 && target[0] == '/')
            return EntryNames.LinkEscapes(raw, target.TrimStart('/'), hardLink: true);
        return EntryNames.LinkEscapes(raw, target, hard);
    }

    private void ObserveLayerEntry(TarEntry e)
    {
        try
        {
            LayerEntries!(e);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new PassThroughException(ex);
        }
    }

    private async Task<bool> OnlyZerosLeftAsync(Stream s)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int n;
            while ((n = await s.ReadAsync(buffer.AsMemory(0, CopyBufferSize), _token).ConfigureAwait(false)) > 0)
            {
                if (buffer.AsSpan(0, n).ContainsAnyExcept((byte)0)) return false;
            }
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WalkGzipAsync(ScanFile archive, string[] ancestors)
    {
        var raw = archive.Open();
        await using (raw.ConfigureAwait(false))
        {
            var compressed = Math.Max(1, archive.Length);
            var gz = new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true);
            await using (gz.ConfigureAwait(false))
            {
                // The gzip layer itself is bounded: its ratio against the .gz size, and the walk's total.
                var layer = new CountingStream(gz, produced => CheckGzipLayer(archive, produced, compressed));
                var sum = new ChecksumStream(layer);
                var header = new byte[ArchiveSniffer.HeaderLength];
                var n = await sum.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, _token).ConfigureAwait(false);
                var content = new PrefixedStream(header.AsMemory(0, n), sum);
                if (ArchiveSniffer.IsTarHeader(header.AsSpan(0, n)))
                {
                    await WalkTarAsync(archive, content, ancestors).ConfigureAwait(false);
                }
                else
                {
                    CountEntry(archive);
                    await EmitMemberAsync(archive, GzipMemberName(archive.Name), content, compressed, ancestors, null, null).ConfigureAwait(false);
                    if (!await OnlyZerosLeftAsync(sum).ConfigureAwait(false)) MarkIncomplete(); // a member cut short by a limit (reported)
                }
                // GZipStream stops at the last member and ignores what follows: only a file that ends with this member's
                // trailer (CRC-32 and size of everything produced) has delivered every byte.
                if (!await EndsWithTrailerAsync(archive, sum.Crc, sum.Length32).ConfigureAwait(false)) MarkIncomplete();
            }
        }
    }

    private async Task<bool> EndsWithTrailerAsync(ScanFile archive, uint crc, uint length)
    {
        if (archive.Length < 18) return false;
        var s = archive.Open();
        await using (s.ConfigureAwait(false))
        {
            if (!s.CanSeek) return false;
            s.Position = archive.Length - 8;
            var trailer = new byte[8];
            await s.ReadExactlyAsync(trailer, _token).ConfigureAwait(false);
            return BinaryPrimitives.ReadUInt32LittleEndian(trailer) == crc && BinaryPrimitives.ReadUInt32LittleEndian(trailer.AsSpan(4)) == length;
        }
    }

    private void CheckGzipLayer(ScanFile archive, long produced, long compressed)
    {
        if (produced > RatioFloor && produced > _policy.MaxCompressionRatio * compressed)
            throw new ArchiveLimitException("ratio", archive.Path,
                $"gzip stream decompresses beyond {_policy.MaxCompressionRatio:0.#}x its {compressed}-byte size (policy MaxCompressionRatio)", stopsWalk: false);
        if (produced > _policy.MaxTotalUncompressedBytes)
            throw new ArchiveLimitException("total", archive.Path,
                $"gzip stream decompresses beyond {_policy.MaxTotalUncompressedBytes} bytes (policy MaxTotalUncompressedBytes)", stopsWalk: true);
    }

    /// <summary>A plain .gz holds one member named like the outer file without ".gz" (".tgz" becomes ".tar").</summary>
    internal static string GzipMemberName(string outer)
    {
        string name;
        if (outer.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase)) name = outer[..^4] + ".tar";
        else if (outer.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) name = outer[..^3];
        else if (outer.EndsWith(".gzip", StringComparison.OrdinalIgnoreCase)) name = outer[..^5];
        else name = outer;
        return name.Length == 0 ? "_" : name;
    }

    // ---- members

    /// <summary>
    /// Extracts one member with limits (into memory up to <see cref="InMemoryMemberBytes"/>, else a temp file), descends
    /// into it first if it is an archive (so its <see cref="ScanFile.FullyUnpacked"/> is known), hands it to the
    /// pipeline, deletes the temp file.
    /// </summary>
    private async Task EmitMemberAsync(ScanFile parent, string rawName, Stream content, long? compressedSize, string[] ancestors, long? declaredLength, uint? expectedCrc)
    {
        var path = MemberPath(parent, rawName);
        var temp = NewTempPath();
        Extracted? x = null;
        ScanFile? file = null;
        try
        {
            var timing = Profile?.Start("walk.extract");
            x = await ExtractAsync(content, temp, path, compressedSize, expectedCrc is not null, declaredLength).ConfigureAwait(false);
            timing?.Stop(x?.Length ?? 0, wentAsync: true);
            if (x is null) return;
            if (declaredLength is { } declared && declared != x.Length)
                ReportCorrupt(path, "size-mismatch", $"declared {declared} bytes but {x.Length} were stored (truncated or inconsistent archive)");
            else if (expectedCrc is { } crc && crc != x.Crc32)
                ReportCorrupt(path, "crc", $"CRC-32 is {x.Crc32:x8} but the archive declares {crc:x8}");

            if (Array.IndexOf(ancestors, x.Sha256) >= 0)
            {
                ReportBomb(path, "quine", "the member is identical to an archive that contains it (a self-reproducing archive); not walked again");
                return;
            }
            var memory = x.Memory;
            file = memory is { } m
                ? new ScanFile
                {
                    Path = path, Depth = parent.Depth + 1, Length = x.Length, Sha256 = x.Sha256,
                    Content = m,
                    Open = () => new MemoryStream(m.Array!, m.Offset, m.Count, writable: false),
                    ReleaseContent = () => MemberBuffers.Return(m.Array!),
                }
                : new ScanFile
                {
                    Path = path, Depth = parent.Depth + 1, Length = x.Length, Sha256 = x.Sha256,
                    Open = () => File.OpenRead(temp),
                };
            if (ArchiveWalker.LooksLikeArchive(x.Header))
            {
                if (file.Depth < _policy.MaxNestingDepth)
                {
                    try
                    {
                        await WalkArchiveAsync(file, [.. ancestors, x.Sha256]).ConfigureAwait(false);
                    }
                    catch (WalkStoppedException)
                    {
                        await InvokeOnFileAsync(file).ConfigureAwait(false); // a limit stopped the walk: this archive is still scanned whole
                        throw;
                    }
                }
                else
                {
                    ReportBomb(path, "depth", $"archive nested {file.Depth} levels deep; policy MaxNestingDepth is {_policy.MaxNestingDepth}; not opened");
                }
            }
            await InvokeOnFileAsync(file).ConfigureAwait(false);
        }
        finally
        {
            // A pooled buffer nobody took over (the pipeline takes it while it analyses the member) goes back now.
            if (file is not null) file.TakeContentRelease()?.Invoke();
            else if (x?.Memory is { Array: { } unused }) MemberBuffers.Return(unused);
            DeleteQuietly(temp);
        }
    }

    /// <summary>An extracted member: its bytes in <see cref="Memory"/> when small, else in the temp file.</summary>
    private sealed record Extracted(long Length, string Sha256, uint Crc32, byte[] Header, ArraySegment<byte>? Memory);

    /// <summary>
    /// Streams <paramref name="content"/> into memory, or to <paramref name="temp"/> once it passes <see cref="InMemoryMemberBytes"/>,
    /// enforcing limits on the bytes actually produced (declared sizes are never trusted, only used to size the buffer).
    /// Null when a per-member limit was hit (reported).
    /// </summary>
    /// <param name="checkCrc">Compute the CRC-32 (zip members declare one; tar and gzip members are not checked here).</param>
    private async Task<Extracted?> ExtractAsync(Stream content, string temp, string path, long? compressedSize, bool checkCrc, long? declaredLength)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        FileStream? output = null;
        byte[]? memory = null;
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var crc = new Crc32();
            var header = new byte[ArchiveSniffer.HeaderLength];
            var headerLength = 0;
            long written = 0;
            var limit = InMemoryMemberBytes;
            // In memory (a pooled buffer) while it fits; the declared size (capped by the limit) only sizes the first buffer.
            memory = limit > 0 ? MemberBuffers.Rent((int)Math.Clamp(declaredLength ?? CopyBufferSize, 1, limit)) : null;
            while (true)
            {
                var n = await content.ReadAsync(buffer.AsMemory(0, CopyBufferSize), _token).ConfigureAwait(false);
                if (n == 0) break;
                _total += n;
                if (_total > _policy.MaxTotalUncompressedBytes)
                {
                    ReportBomb(path, "total", $"all members together pass {_policy.MaxTotalUncompressedBytes} uncompressed bytes (policy MaxTotalUncompressedBytes); the walk stopped here");
                    throw new WalkStoppedException();
                }
                if (written + n > _policy.MaxEntryUncompressedBytes)
                {
                    ReportBomb(path, "size", $"the member passes {_policy.MaxEntryUncompressedBytes} uncompressed bytes (policy MaxEntryUncompressedBytes); not extracted");
                    return null;
                }
                if (compressedSize is { } c && written + n > RatioFloor && written + n > _policy.MaxCompressionRatio * Math.Max(1, c))
                {
                    ReportBomb(path, "ratio", $"the member decompresses beyond {_policy.MaxCompressionRatio:0.#}x its {c} compressed bytes (policy MaxCompressionRatio); not extracted");
                    return null;
                }
                var chunk = buffer.AsSpan(0, n);
                sha.AppendData(chunk);
                if (checkCrc) crc.Append(chunk);
                if (headerLength < header.Length)
                {
                    var take = Math.Min(n, header.Length - headerLength);
                    chunk[..take].CopyTo(header.AsSpan(headerLength));
                    headerLength += take;
                }
                if (memory is not null && written + n <= limit)
                {
                    if (written + n > memory.Length)
                    {
                        var bigger = MemberBuffers.Rent((int)Math.Min(limit, Math.Max(written + n, memory.Length * 2L)));
                        memory.AsSpan(0, (int)written).CopyTo(bigger);
                        MemberBuffers.Return(memory);
                        memory = bigger;
                    }
                    chunk.CopyTo(memory.AsSpan((int)written));
                }
                else
                {
                    if (output is null)
                    {
                        // Past the in-memory limit: spill what we have to a 0600 file in the scan's folder and go on there.
                        output = Storage(() => new FileStream(temp, PrivateFiles.CreateNew(FileAccess.Write, bufferSize: 1)));
                        if (memory is not null)
                        {
                            if (written > 0) await WriteAsync(output, memory.AsMemory(0, (int)written)).ConfigureAwait(false);
                            MemberBuffers.Return(memory);
                            memory = null;
                        }
                    }
                    await WriteAsync(output, buffer.AsMemory(0, n)).ConfigureAwait(false);
                }
                written += n;
            }
            if (output is null && memory is null)
            {
                // Nothing kept in memory (InMemoryMemberBytes 0) and nothing written: an empty member still gets its file.
                output = Storage(() => new FileStream(temp, PrivateFiles.CreateNew(FileAccess.Write, bufferSize: 1)));
            }
            var kept = output is null ? new ArraySegment<byte>(memory!, 0, (int)written) : (ArraySegment<byte>?)null;
            memory = null; // handed over with the result
            return new Extracted(written, Convert.ToHexStringLower(sha.GetHashAndReset()), crc.Value, header[..headerLength], kept);
        }
        finally
        {
            if (output is not null) await output.DisposeAsync().ConfigureAwait(false);
            if (memory is not null) MemberBuffers.Return(memory); // a limit or an error ended the extraction
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WriteAsync(FileStream output, ReadOnlyMemory<byte> data)
    {
        try
        {
            await output.WriteAsync(data, _token).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new PassThroughException(e);
        }
    }

    private async Task InvokeOnFileAsync(ScanFile file)
    {
        try
        {
            await _onFile(file, _token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new PassThroughException(e);
        }
    }

    // ---- judging and reporting

    private void CountEntry(ScanFile archive)
    {
        _token.ThrowIfCancellationRequested();
        if (++_count > _policy.MaxEntryCount)
        {
            ReportBomb(archive.Path, "count", $"more than {_policy.MaxEntryCount} entries in total (policy MaxEntryCount); the walk stopped here");
            throw new WalkStoppedException();
        }
    }

    private void CheckName(string raw, string path)
    {
        if (EntryNames.TraversalReason(raw) is { } reason)
            Report(ArchiveRules.PathTraversal, path, "name", $"entry name {reason}; a naive extractor would write outside its target directory (zip slip)");
    }

    /// <summary>Reports an entry stored below a link the same archive stored before it (<see cref="ArchiveRules.LinkTraversal"/>).</summary>
    private void CheckThroughLink(LinkedDirectories links, string raw, string path)
    {
        if (links.Through(raw) is { } link)
            Report(ArchiveRules.LinkTraversal, path, link, $"the entry is stored below '{EntryNames.Display(link)}', a symbolic link stored earlier in the archive; extracting it writes wherever the link points");
    }

    private void ReportLinkEscape(string path, string what, string target) =>
        Report(ArchiveRules.LinkEscape, path, target, $"{what} points outside the archive root, to '{EntryNames.Display(target)}'; links are never followed");

    private void ReportSpecial(string path, string what) =>
        Report(ArchiveRules.SpecialFile, path, what, $"entry is a {what}; devices and fifos have no place in an app and are not extracted");

    private void ReportDuplicate(string path) =>
        Report(ArchiveRules.DuplicateEntry, path, "duplicate", "another entry has the same name; which one a tool extracts differs between tools");

    private void ReportBomb(string path, string kind, string message) =>
        Report(ArchiveRules.Bomb, path, kind, $"{kind}: {message}");

    private void ReportCorrupt(string path, string kind, string message) =>
        Report(ArchiveRules.Corrupt, path, kind, $"{kind}: {message}");

    private void Report(RuleDescriptor rule, string path, string key, string message)
    {
        // A name that is odd (traversal, a duplicate) still has its member delivered; anything else (a limit, a defect,
        // encryption, a special or link entry) means some bytes did not reach the pipeline as a member.
        if (rule != ArchiveRules.PathTraversal && rule != ArchiveRules.DuplicateEntry) MarkIncomplete();
        var fingerprint = Fingerprints.Of(rule.Id, path, key);
        if (!_reported.Add(fingerprint)) return;
        var finding = new Finding(rule.Id, rule.DefaultSeverity, path, message, fingerprint)
        {
            RequirementId = rule.RequirementId,
            AnalyzerId = "archive",
        };
        try
        {
            _report(finding);
        }
        catch (Exception e)
        {
            throw new PassThroughException(e);
        }
    }

    // ---- helpers

    private static string MemberPath(ScanFile parent, string rawName) => parent.Path + "!/" + EntryNames.Display(rawName);

    /// <summary>A random name in the temp directory: never derived from an entry name (DESIGN principle 5).</summary>
    private string NewTempPath() =>
        Path.Combine(_tempDirectory, "gh-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + ".member");

    /// <summary>Runs a temp-storage operation; its I/O failures are ours, not the archive's.</summary>
    private static T Storage<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PassThroughException(e);
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort; the temp directory is per scan and removed by the caller.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Exceptions a reader throws on hostile bytes; ours (limits, stop, pass-through) and cancellation are not among them.</summary>
    /// <remarks>An image blob whose bytes do not match its digest (<see cref="Images.ImageException"/>, thrown by the verifying stream
    /// an image layer is read through) is the image's problem, not the archive's: it goes to the image expander.</remarks>
    private static bool IsMalformedInput(Exception e) =>
        e is not (OperationCanceledException or WalkStoppedException or PassThroughException or ArchiveLimitException or OutOfMemoryException
            or Images.ImageException);

    private static string Describe(Exception e)
    {
        var message = e.Message.Length > 200 ? e.Message[..200] + "…" : e.Message;
        return EntryNames.Display(e.GetType().Name + ": " + message);
    }

    /// <summary>A walk-wide limit was hit and reported; unwinds to <see cref="RunAsync"/>.</summary>
    private sealed class WalkStoppedException : Exception
    {
        public WalkStoppedException() : base("archive walk stopped by a limit") { }
    }

    /// <summary>
    /// Carries an exception that is not about the input (the caller's callbacks, our own temp storage)
    /// past the hostile-input handlers, so it surfaces as an analyzer failure (verdict incomplete), not as
    /// <c>archive.corrupt</c>.
    /// </summary>
    private sealed class PassThroughException(Exception inner) : Exception("not an input problem", inner);
}
