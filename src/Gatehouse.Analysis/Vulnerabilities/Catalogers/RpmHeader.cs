using System.Buffers.Binary;
using System.Text;

namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>
/// The fields of one installed package from an rpm header blob, as rpm stores it in its database (rpm's
/// <c>lib/header.c</c>, <c>hdrblobInit</c>; the on-disk header without the 8-byte magic): the index length <c>il</c> and
/// data length <c>dl</c> (int32, big-endian), <c>il</c> index entries of 16 bytes (tag, type, offset into the data, count;
/// big-endian), then <c>dl</c> bytes of data. Only what identifies the package is read: NAME (1000), VERSION (1001),
/// RELEASE (1002), EPOCH (1003, INT32), ARCH (1022) and SOURCERPM (1044). Every offset is checked against the blob: a
/// hostile header yields null, never an exception or a read outside it.
/// </summary>
/// <param name="Name">NAME.</param>
/// <param name="Version">VERSION.</param>
/// <param name="Release">RELEASE.</param>
/// <param name="Epoch">EPOCH, null when absent.</param>
/// <param name="Arch">ARCH, null when absent.</param>
/// <param name="SourceRpm">SOURCERPM (<c>openssl-3.0.7-27.el9.src.rpm</c>), null when absent.</param>
public sealed record RpmHeader(string Name, string Version, string Release, int? Epoch, string? Arch, string? SourceRpm)
{
    /// <summary>Tag numbers (rpm's <c>rpmtag.h</c>).</summary>
    public const int TagName = 1000, TagVersion = 1001, TagRelease = 1002, TagEpoch = 1003, TagArch = 1022, TagSourceRpm = 1044;

    /// <summary>Tag types (rpm's <c>rpmtag.h</c>, <c>rpmTagType</c>).</summary>
    public const int TypeInt32 = 4, TypeString = 6, TypeStringArray = 8, TypeI18nString = 9;

    /// <summary>Most index entries accepted (rpm's own limit is 0xffff).</summary>
    public const int MaxEntries = 0xffff;

    /// <summary>The package in <paramref name="blob"/>, or null when the blob is malformed or lacks NAME, VERSION or RELEASE.</summary>
    public static RpmHeader? Parse(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 8) return null;
        var il = BinaryPrimitives.ReadInt32BigEndian(blob);
        var dl = BinaryPrimitives.ReadInt32BigEndian(blob[4..]);
        if (il <= 0 || il > MaxEntries || dl < 0) return null;
        var dataStart = 8L + (16L * il);
        if (dataStart + dl > blob.Length) return null;
        var data = blob.Slice((int)dataStart, dl);
        string? name = null, version = null, release = null, arch = null, source = null;
        int? epoch = null;
        for (var i = 0; i < il; i++)
        {
            var entry = blob.Slice(8 + (16 * i), 16);
            var tag = BinaryPrimitives.ReadInt32BigEndian(entry);
            var type = BinaryPrimitives.ReadInt32BigEndian(entry[4..]);
            var offset = BinaryPrimitives.ReadInt32BigEndian(entry[8..]);
            var count = BinaryPrimitives.ReadInt32BigEndian(entry[12..]);
            if (offset < 0 || offset >= data.Length || count <= 0) continue;
            switch (tag)
            {
                case TagName: name = Text(data, offset, type); break;
                case TagVersion: version = Text(data, offset, type); break;
                case TagRelease: release = Text(data, offset, type); break;
                case TagArch: arch = Text(data, offset, type); break;
                case TagSourceRpm: source = Text(data, offset, type); break;
                case TagEpoch when type == TypeInt32 && offset + 4 <= data.Length:
                    epoch = BinaryPrimitives.ReadInt32BigEndian(data[offset..]);
                    break;
            }
        }
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(version) || string.IsNullOrEmpty(release)) return null;
        return new RpmHeader(name, version, release, epoch, arch, source);
    }

    /// <summary>
    /// The source package's name from SOURCERPM, the way rpm builds the file name (<c>NAME-VERSION-RELEASE.src.rpm</c>):
    /// what is left after the last two dashes; null when it does not have that shape.
    /// </summary>
    public string? SourceName
    {
        get
        {
            if (SourceRpm is null) return null;
            var s = SourceRpm.EndsWith(".src.rpm", StringComparison.Ordinal) ? SourceRpm[..^".src.rpm".Length]
                : SourceRpm.EndsWith(".nosrc.rpm", StringComparison.Ordinal) ? SourceRpm[..^".nosrc.rpm".Length] : null;
            if (s is null) return null;
            var release = s.LastIndexOf('-');
            var version = release > 0 ? s.LastIndexOf('-', release - 1) : -1;
            return version > 0 ? s[..version] : null;
        }
    }

    // A NUL-terminated string at the offset (the first one of an array); null when the type is not a string or it runs off the end.
    private static string? Text(ReadOnlySpan<byte> data, int offset, int type)
    {
        if (type is not (TypeString or TypeStringArray or TypeI18nString)) return null;
        var rest = data[offset..];
        var end = rest.IndexOf((byte)0);
        if (end <= 0 || end > 4096) return null;
        return Encoding.UTF8.GetString(rest[..end]);
    }
}
