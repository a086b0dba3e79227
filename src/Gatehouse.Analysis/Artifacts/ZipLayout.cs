using System.Text;

namespace Gatehouse.Analysis.Artifacts;

/// <summary>What is structurally wrong with a zip; the walker decides which rule each becomes.</summary>
internal enum ZipDefectKind
{
    /// <summary>No usable end-of-central-directory record, or the central directory is cut off.</summary>
    Truncated,
    /// <summary>Bytes before the archive or after its end record, or a second end record (concatenated archives).</summary>
    Concatenated,
    /// <summary>Bytes between entries that no entry accounts for.</summary>
    HiddenData,
    /// <summary>A central directory record or its counts are malformed.</summary>
    BadCentralDirectory,
    /// <summary>Local header missing or disagreeing with its central record (name, method, sizes, flags).</summary>
    HeaderMismatch,
    /// <summary>Entry data extends outside the archive.</summary>
    OutOfBounds,
    /// <summary>Two entries' data ranges overlap (shared data: the "zbsm" bomb).</summary>
    Overlap,
    /// <summary>Multi-disk (spanned) archives are not accepted.</summary>
    Unsupported,
}

/// <summary>One structural problem, optionally about one entry (its raw name).</summary>
internal sealed record ZipDefect(ZipDefectKind Kind, string Detail, string? EntryName = null);

/// <summary>One central-directory entry, checked against its local header.</summary>
internal sealed record ZipEntryRecord(
    string Name,
    ushort Flags,
    ushort Method,
    uint Crc32,
    long CompressedSize,
    long UncompressedSize,
    long LocalHeaderOffset,
    ushort VersionMadeBy,
    uint ExternalAttributes)
{
    /// <summary>Absolute offset (in the parsed stream) of the entry data, or -1 when the local header is unusable.</summary>
    public long DataOffset { get; init; } = -1;

    /// <summary>False when the data range is not fully inside the archive.</summary>
    public bool DataUsable => DataOffset >= 0;

    /// <summary>APPNOTE 4.4.4 bit 0.</summary>
    public bool IsEncrypted => (Flags & 0x0001) != 0;

    /// <summary>APPNOTE 4.4.4 bit 3: sizes and CRC follow the data.</summary>
    public bool HasDataDescriptor => (Flags & 0x0008) != 0;

    public bool IsDirectory => Name.EndsWith('/') || Name.EndsWith('\\') || (UnixMode & 0xF000) == 0x4000;

    /// <summary>Unix st_mode from the external attributes when the entry was made on Unix (APPNOTE 4.4.2: host 3, or 19 for OS X).</summary>
    public int UnixMode => (VersionMadeBy >> 8) is 3 or 19 ? (int)(ExternalAttributes >> 16) : 0;
}

/// <summary>The parsed structure of a zip: entries in central-directory order and defects found.</summary>
internal sealed class ZipLayout
{
    public List<ZipEntryRecord> Entries { get; } = [];
    public List<ZipDefect> Defects { get; } = [];

    /// <summary>The central directory declares (or holds) more entries than the caller allowed.</summary>
    public bool TooManyEntries { get; set; }

    /// <summary>Nothing can be extracted (no central directory).</summary>
    public bool Unreadable { get; set; }

    public bool IsZip64 { get; set; }

    public static string DecodeName(ReadOnlySpan<byte> raw, ushort flags) =>
        // APPNOTE 4.4.4 bit 11: UTF-8. Otherwise CP437; Latin-1 agrees on ASCII, which is what matters for judging names.
        (flags & 0x0800) != 0 ? Encoding.UTF8.GetString(raw) : Encoding.Latin1.GetString(raw);
}
