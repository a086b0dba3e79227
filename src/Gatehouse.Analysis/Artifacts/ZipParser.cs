using System.Buffers.Binary;

namespace Gatehouse.Analysis.Artifacts;

/// <summary>
/// A small, bounded zip structure parser (PKWARE APPNOTE 6.3.10): end record, ZIP64 end record and
/// locator, central directory, local headers. It reads only headers (never entry data), at most
/// <c>maxEntries + 1</c> central records, and reports defects instead of throwing. It exists beside
/// <see cref="System.IO.Compression.ZipArchive"/> because that reader silently accepts what attackers
/// use against scanners: overlapping entries, local/central disagreement, prepended or appended data.
/// </summary>
internal static class ZipParser
{
    private const uint LocalSig = 0x04034b50;
    private const uint CentralSig = 0x02014b50;
    private const uint EndSig = 0x06054b50;
    private const uint Zip64EndSig = 0x06064b50;
    private const uint Zip64LocatorSig = 0x07064b50;
    private const uint DescriptorSig = 0x08074b50;
    private const int EndLength = 22;
    private const int MaxComment = 0xFFFF;

    /// <summary>Parses <paramref name="s"/> (seekable; offset 0 is the start of the zip).</summary>
    public static ZipLayout Parse(Stream s, int maxEntries)
    {
        var layout = new ZipLayout();
        var len = s.Length;
        if (len < EndLength)
        {
            Fail(layout, ZipDefectKind.Truncated, "file is shorter than an end-of-central-directory record");
            return layout;
        }

        // 1. End of central directory: the last "PK\5\6" in the tail whose comment fits (APPNOTE 4.3.16).
        var tailLength = (int)Math.Min(len, EndLength + MaxComment);
        var tailStart = len - tailLength;
        var tail = new byte[tailLength];
        ReadAt(s, tailStart, tail);
        var endPos = -1L;
        var signatures = new List<long>();
        for (var i = tailLength - EndLength; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(i)) != EndSig) continue;
            signatures.Add(tailStart + i);
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(i + 20));
            if (endPos < 0 && i + EndLength + commentLength <= tailLength) endPos = tailStart + i;
        }
        if (endPos < 0)
        {
            Fail(layout, ZipDefectKind.Truncated, "no end-of-central-directory record (truncated, or not a zip)");
            return layout;
        }
        var end = tail.AsSpan((int)(endPos - tailStart), EndLength);
        var diskNumber = BinaryPrimitives.ReadUInt16LittleEndian(end[4..]);
        var cdDisk = BinaryPrimitives.ReadUInt16LittleEndian(end[6..]);
        long entriesOnDisk = BinaryPrimitives.ReadUInt16LittleEndian(end[8..]);
        long entryCount = BinaryPrimitives.ReadUInt16LittleEndian(end[10..]);
        long cdSize = BinaryPrimitives.ReadUInt32LittleEndian(end[12..]);
        long cdOffset = BinaryPrimitives.ReadUInt32LittleEndian(end[16..]);
        var comment = BinaryPrimitives.ReadUInt16LittleEndian(end[20..]);
        var archiveEnd = endPos + EndLength + comment;
        if (archiveEnd < len)
            layout.Defects.Add(new(ZipDefectKind.Concatenated, $"{len - archiveEnd} bytes after the end-of-central-directory record"));
        foreach (var sig in signatures)
        {
            if (sig < endPos && sig + EndLength + BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan((int)(sig - tailStart) + 20)) == endPos)
            {
                layout.Defects.Add(new(ZipDefectKind.Concatenated, "a second end-of-central-directory record directly before the last one (concatenated archives)"));
                break;
            }
        }

        // 2. ZIP64 (APPNOTE 4.3.14/4.3.15): the locator sits right before the end record.
        var cdEndActual = endPos;
        if (endPos >= 20)
        {
            var locator = new byte[20];
            ReadAt(s, endPos - 20, locator);
            if (BinaryPrimitives.ReadUInt32LittleEndian(locator) == Zip64LocatorSig)
            {
                layout.IsZip64 = true;
                var z64Pos = (long)BinaryPrimitives.ReadUInt64LittleEndian(locator.AsSpan(8));
                // Offsets are relative to the start of the archive; with a prefix the record moves, so also
                // look for it where it must be (just before the locator, 56 bytes for a record without extensible data).
                var candidates = new[] { z64Pos, endPos - 20 - 56 };
                var found = false;
                foreach (var pos in candidates)
                {
                    if (pos < 0 || pos + 56 > endPos - 20) continue;
                    var rec = new byte[56];
                    ReadAt(s, pos, rec);
                    if (BinaryPrimitives.ReadUInt32LittleEndian(rec) != Zip64EndSig) continue;
                    diskNumber = (ushort)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(rec.AsSpan(16)), ushort.MaxValue);
                    cdDisk = (ushort)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(rec.AsSpan(20)), ushort.MaxValue);
                    entriesOnDisk = ClampLong(BinaryPrimitives.ReadUInt64LittleEndian(rec.AsSpan(24)));
                    entryCount = ClampLong(BinaryPrimitives.ReadUInt64LittleEndian(rec.AsSpan(32)));
                    cdSize = ClampLong(BinaryPrimitives.ReadUInt64LittleEndian(rec.AsSpan(40)));
                    cdOffset = ClampLong(BinaryPrimitives.ReadUInt64LittleEndian(rec.AsSpan(48)));
                    cdEndActual = pos;
                    found = true;
                    break;
                }
                if (!found)
                {
                    Fail(layout, ZipDefectKind.Truncated, "ZIP64 end-of-central-directory record is missing or outside the file");
                    return layout;
                }
            }
        }
        if (diskNumber != 0 || cdDisk != 0 || entriesOnDisk != entryCount)
        {
            layout.Defects.Add(new(ZipDefectKind.Unsupported, "multi-disk (spanned) archive"));
            layout.Unreadable = true;
            return layout;
        }

        // 3. Where the central directory really is tells us whether something was prepended.
        var prefix = cdEndActual - cdSize - cdOffset;
        if (cdSize < 0 || cdOffset < 0 || prefix < 0)
        {
            Fail(layout, ZipDefectKind.Truncated, "central directory extends past its end record (truncated or corrupt)");
            return layout;
        }
        if (prefix > 0)
            layout.Defects.Add(new(ZipDefectKind.Concatenated, $"{prefix} bytes before the archive (concatenated archive or executable stub)"));
        var cdStart = prefix + cdOffset;
        if (entryCount > maxEntries) layout.TooManyEntries = true;

        // 4. Central directory records.
        var fixedPart = new byte[46];
        var pos64 = cdStart;
        var parsed = 0L;
        while (pos64 < cdEndActual)
        {
            if (parsed >= maxEntries)
            {
                layout.TooManyEntries = true;
                break;
            }
            if (pos64 + 46 > cdEndActual)
            {
                layout.Defects.Add(new(ZipDefectKind.BadCentralDirectory, "central directory ends inside a record"));
                break;
            }
            ReadAt(s, pos64, fixedPart);
            var h = fixedPart.AsSpan();
            if (BinaryPrimitives.ReadUInt32LittleEndian(h) != CentralSig)
            {
                layout.Defects.Add(new(ZipDefectKind.BadCentralDirectory, $"bad central directory signature at offset {pos64}"));
                break;
            }
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]);
            var commentLength = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
            if (pos64 + 46 + nameLength + extraLength + commentLength > cdEndActual)
            {
                layout.Defects.Add(new(ZipDefectKind.BadCentralDirectory, "central directory ends inside a record"));
                break;
            }
            var varPart = new byte[nameLength + extraLength];
            ReadAt(s, pos64 + 46, varPart);
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
            var rawName = varPart.AsSpan(0, nameLength);
            long usize = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
            long csize = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
            long offset = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
            ApplyZip64Extra(varPart.AsSpan(nameLength, extraLength), ref usize, ref csize, ref offset);
            var entry = new ZipEntryRecord(
                ZipLayout.DecodeName(rawName, flags), flags, BinaryPrimitives.ReadUInt16LittleEndian(h[10..]),
                BinaryPrimitives.ReadUInt32LittleEndian(h[16..]), csize, usize, offset,
                BinaryPrimitives.ReadUInt16LittleEndian(h[4..]), BinaryPrimitives.ReadUInt32LittleEndian(h[38..]));
            entry = CheckLocalHeader(s, entry, rawName, prefix, cdStart, layout);
            layout.Entries.Add(entry);
            parsed++;
            pos64 += 46 + nameLength + extraLength + commentLength;
        }
        if (!layout.TooManyEntries && parsed != entryCount)
            layout.Defects.Add(new(ZipDefectKind.BadCentralDirectory, $"end record declares {entryCount} entries, central directory holds {parsed}"));

        CheckCoverage(s, layout, prefix, cdStart);
        return layout;
    }

    /// <summary>
    /// Salvage for archives without a usable central directory (truncated uploads): walk the local headers
    /// from the start, the way streaming readers (Java's ZipInputStream, many AV engines) do, so the content
    /// that those readers would extract is still scanned. Stops at the first entry whose size is not in its
    /// local header (data descriptor) or whose data is not complete.
    /// </summary>
    public static List<ZipEntryRecord> ScanLocalHeaders(Stream s, int maxEntries)
    {
        var entries = new List<ZipEntryRecord>();
        var len = s.Length;
        var pos = 0L;
        var h = new byte[30];
        while (pos + 30 <= len && entries.Count <= maxEntries)
        {
            ReadAt(s, pos, h);
            if (BinaryPrimitives.ReadUInt32LittleEndian(h) != LocalSig) break;
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(6));
            long csize = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(18));
            long usize = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(22));
            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(26));
            var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(28));
            var dataOffset = pos + 30 + nameLength + extraLength;
            if (dataOffset > len || (flags & 0x0008) != 0) break;
            var varPart = new byte[nameLength + extraLength];
            ReadAt(s, pos + 30, varPart);
            long ignored = 0;
            ApplyZip64Extra(varPart.AsSpan(nameLength), ref usize, ref csize, ref ignored);
            if (csize >= uint.MaxValue || dataOffset + csize > len) break;
            entries.Add(new ZipEntryRecord(
                ZipLayout.DecodeName(varPart.AsSpan(0, nameLength), flags), flags, BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(8)),
                BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(14)), csize, usize, pos, VersionMadeBy: 0, ExternalAttributes: 0)
            {
                DataOffset = dataOffset,
            });
            pos = dataOffset + csize;
        }
        return entries;
    }

    private static ZipEntryRecord CheckLocalHeader(Stream s, ZipEntryRecord e, ReadOnlySpan<byte> rawName, long prefix, long cdStart, ZipLayout layout)
    {
        var pos = prefix + e.LocalHeaderOffset;
        if (pos < 0 || pos + 30 > cdStart)
        {
            layout.Defects.Add(new(ZipDefectKind.OutOfBounds, "local header is outside the archive", e.Name));
            return e;
        }
        var h = new byte[30];
        ReadAt(s, pos, h);
        if (BinaryPrimitives.ReadUInt32LittleEndian(h) != LocalSig)
        {
            layout.Defects.Add(new(ZipDefectKind.HeaderMismatch, "no local header where the central directory points", e.Name));
            return e;
        }
        var localFlags = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(6));
        var localMethod = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(8));
        var localCrc = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(14));
        long localCsize = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(18));
        long localUsize = BinaryPrimitives.ReadUInt32LittleEndian(h.AsSpan(22));
        var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(26));
        var extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h.AsSpan(28));
        var dataOffset = pos + 30 + nameLength + extraLength;
        if (dataOffset > cdStart)
        {
            layout.Defects.Add(new(ZipDefectKind.OutOfBounds, "local header extends into the central directory", e.Name));
            return e;
        }
        var varPart = new byte[nameLength + extraLength];
        ReadAt(s, pos + 30, varPart);
        var mismatches = new List<string>();
        if (!varPart.AsSpan(0, nameLength).SequenceEqual(rawName)) mismatches.Add("name");
        if (localMethod != e.Method) mismatches.Add("compression method");
        if ((localFlags & 0x0001) != (e.Flags & 0x0001)) mismatches.Add("encryption flag");
        if ((localFlags & 0x0008) == 0 && !e.HasDataDescriptor)
        {
            long ignored = 0;
            ApplyZip64Extra(varPart.AsSpan(nameLength), ref localUsize, ref localCsize, ref ignored);
            if (localCsize != e.CompressedSize || localUsize != e.UncompressedSize) mismatches.Add("sizes");
            if (localCrc != e.Crc32) mismatches.Add("CRC");
        }
        if (mismatches.Count > 0)
            layout.Defects.Add(new(ZipDefectKind.HeaderMismatch, "local header disagrees with the central directory: " + string.Join(", ", mismatches), e.Name));
        if (e.CompressedSize < 0 || dataOffset + e.CompressedSize > cdStart)
        {
            layout.Defects.Add(new(ZipDefectKind.OutOfBounds, "entry data extends outside the archive", e.Name));
            return e;
        }
        return e with { DataOffset = dataOffset };
    }

    /// <summary>
    /// Every byte from the first local header to the central directory must belong to exactly one
    /// entry (header, data, optional data descriptor). Overlap means shared data (a bomb); a gap means hidden data.
    /// </summary>
    private static void CheckCoverage(Stream s, ZipLayout layout, long prefix, long cdStart)
    {
        var ranges = new List<(long Start, long End, ZipEntryRecord Entry)>();
        foreach (var e in layout.Entries)
        {
            if (!e.DataUsable) continue;
            var dataEnd = e.DataOffset + e.CompressedSize;
            if (e.HasDataDescriptor) dataEnd += DescriptorLength(s, dataEnd, cdStart, e);
            ranges.Add((prefix + e.LocalHeaderOffset, dataEnd, e));
        }
        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        var overlaps = 0;
        var gaps = 0;
        var gapBytes = 0L;
        var furthest = prefix;
        foreach (var r in ranges)
        {
            if (r.Start < furthest) overlaps++;
            else if (r.Start > furthest)
            {
                gaps++;
                gapBytes += r.Start - furthest;
            }
            furthest = Math.Max(furthest, r.End);
        }
        if (ranges.Count > 0 && cdStart > furthest && !EndsWithApkSigningBlock(s, furthest, cdStart))
        {
            gaps++;
            gapBytes += cdStart - furthest;
        }
        if (overlaps > 0)
            layout.Defects.Add(new(ZipDefectKind.Overlap, $"{overlaps} entries share or overlap another entry's data"));
        else if (gaps > 0)
            layout.Defects.Add(new(ZipDefectKind.HiddenData, $"{gapBytes} bytes in {gaps} places between entries belong to no entry"));
    }

    /// <summary>
    /// The APK Signature Scheme v2+ block sits between the last entry and the central directory and ends
    /// with the magic "APK Sig Block 42"; it is accounted for, not hidden data.
    /// </summary>
    private static bool EndsWithApkSigningBlock(Stream s, long gapStart, long cdStart)
    {
        if (cdStart - gapStart < 32) return false;
        var magic = new byte[16];
        ReadAt(s, cdStart - 16, magic);
        return magic.AsSpan().SequenceEqual("APK Sig Block 42"u8);
    }

    /// <summary>Length of the data descriptor after an entry (APPNOTE 4.3.9): optional signature, CRC, sizes (4 or 8 bytes each).</summary>
    private static int DescriptorLength(Stream s, long at, long limit, ZipEntryRecord e)
    {
        var zip64 = e.CompressedSize >= uint.MaxValue || e.UncompressedSize >= uint.MaxValue;
        var body = zip64 ? 20 : 12;
        if (at + 4 <= limit)
        {
            var sig = new byte[4];
            ReadAt(s, at, sig);
            if (BinaryPrimitives.ReadUInt32LittleEndian(sig) == DescriptorSig) body += 4;
        }
        return (int)Math.Min(body, Math.Max(0, limit - at));
    }

    /// <summary>ZIP64 extended information (APPNOTE 4.5.3): present fields follow the order usize, csize, offset.</summary>
    private static void ApplyZip64Extra(ReadOnlySpan<byte> extra, ref long usize, ref long csize, ref long offset)
    {
        while (extra.Length >= 4)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            var size = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (size > extra.Length - 4) return;
            var field = extra.Slice(4, size);
            if (id == 0x0001)
            {
                if (usize == uint.MaxValue && field.Length >= 8) { usize = ClampLong(BinaryPrimitives.ReadUInt64LittleEndian(field)); field = field[8..]; }
                if (csize == uint.MaxValue && field.Length >= 8) { csize = ClampLong(BinaryPrimitives.ReadUInt64LittleEndian(field)); field = field[8..]; }
                if (offset == uint.MaxValue && field.Length >= 8) offset = ClampLong(BinaryPrimitives.ReadUInt64LittleEndian(field));
                return;
            }
            extra = extra[(4 + size)..];
        }
    }

    private static long ClampLong(ulong v) => v > long.MaxValue / 2 ? long.MaxValue / 2 : (long)v;

    private static void Fail(ZipLayout layout, ZipDefectKind kind, string detail)
    {
        layout.Defects.Add(new(kind, detail));
        layout.Unreadable = true;
    }

    private static void ReadAt(Stream s, long position, Span<byte> buffer)
    {
        s.Position = position;
        s.ReadExactly(buffer);
    }
}
