using System.Buffers.Binary;

namespace Gatehouse.Analysis.Artifacts;

/// <summary>Container formats the walker opens, decided by magic bytes, never by name.</summary>
internal enum ArchiveFormat
{
    None,
    Zip,
    Crx,
    Gzip,
    Tar,
}

/// <summary>Magic-byte sniffing (APPNOTE 4.3.7 / 4.3.16, RFC 1952 §2.3.1, POSIX ustar, CRX3).</summary>
internal static class ArchiveSniffer
{
    /// <summary>Bytes of the start of a file the sniffer wants (one tar header block).</summary>
    public const int HeaderLength = 512;

    public static ArchiveFormat Detect(ReadOnlySpan<byte> h)
    {
        if (h.Length >= 4 && h[0] == (byte)'P' && h[1] == (byte)'K' &&
            ((h[2] == 3 && h[3] == 4) || (h[2] == 5 && h[3] == 6)))
            return ArchiveFormat.Zip;
        if (h.Length >= 4 && h[..4].SequenceEqual("Cr24"u8)) return ArchiveFormat.Crx;
        if (h.Length >= 2 && h[0] == 0x1F && h[1] == 0x8B) return ArchiveFormat.Gzip;
        if (IsTarHeader(h)) return ArchiveFormat.Tar;
        return ArchiveFormat.None;
    }

    /// <summary>"ustar" at offset 257, or a header block whose checksum field matches its bytes (v7 tar).</summary>
    public static bool IsTarHeader(ReadOnlySpan<byte> h)
    {
        if (h.Length < HeaderLength) return false;
        if (h.Slice(257, 5).SequenceEqual("ustar"u8)) return true;
        // Checksum: sum of all header bytes with the checksum field (148..155) taken as spaces.
        long sum = 0;
        var allZero = true;
        for (var i = 0; i < HeaderLength; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : h[i];
            if (h[i] != 0) allZero = false;
            sum += b;
        }
        if (allZero || h[0] == 0) return false;
        return TryParseOctal(h.Slice(148, 8), out var stored) && stored == sum;
    }

    /// <summary>Offset of the embedded zip in a CRX (Chrome extension) file, or -1 when the header is not one we know.</summary>
    public static long CrxZipOffset(ReadOnlySpan<byte> h, long fileLength)
    {
        if (h.Length < 16 || !h[..4].SequenceEqual("Cr24"u8)) return -1;
        var version = BinaryPrimitives.ReadUInt32LittleEndian(h[4..]);
        long offset = version switch
        {
            // CRX3: magic, version, header_size, header (protobuf), zip.
            3 => 12L + BinaryPrimitives.ReadUInt32LittleEndian(h[8..]),
            // CRX2: magic, version, key length, signature length, key, signature, zip.
            2 => 16L + BinaryPrimitives.ReadUInt32LittleEndian(h[8..]) + BinaryPrimitives.ReadUInt32LittleEndian(h[12..]),
            _ => -1,
        };
        return offset >= 0 && offset <= fileLength ? offset : -1;
    }

    private static bool TryParseOctal(ReadOnlySpan<byte> field, out long value)
    {
        value = 0;
        var digits = 0;
        foreach (var b in field)
        {
            if (b is (byte)' ' or 0)
            {
                if (digits > 0) break;
                continue;
            }
            if (b is < (byte)'0' or > (byte)'7') return false;
            value = (value * 8) + (b - '0');
            digits++;
        }
        return digits > 0;
    }
}
