using System.Text;

namespace Gatehouse.Analysis.Images.Reading;

/// <summary>One member of an outer image tar: where its bytes are in the file.</summary>
/// <param name="Type">The tar type flag (<c>'0'</c> regular file, <c>'5'</c> directory, <c>'2'</c> symlink, ...).</param>
internal sealed record TarMember(string Name, char Type, long Offset, long Length)
{
    public bool IsRegular => Type is '0' or '\0' or '7';
}

/// <summary>
/// The members of an image tar (OCI layout tar, docker-archive), read once from the headers: name → offset and length, no
/// extraction. Member names are hostile: they are only ever compared against exact names, never turned into a path. A
/// missing end-of-archive block (umoci 0.4.7) is tolerated; a member whose data runs past the end of the file is not.
/// Understands ustar (prefix), GNU long names (<c>L</c>) and PAX <c>path</c>/<c>size</c> records.
/// </summary>
internal sealed class TarIndex
{
    private const int Block = 512;
    /// <summary>PAX and long-name records of real archives are a few hundred bytes.</summary>
    private const int MaxMetadataBytes = 64 << 10;
    /// <summary>An image tar has a few members per layer; this bounds the index's memory.</summary>
    public const int MaxMembers = 100_000;

    private readonly Dictionary<string, TarMember> _members = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, TarMember> Members => _members;

    /// <summary>Names that occurred more than once (a tar may repeat a name; an image reader must not guess which one counts).</summary>
    public HashSet<string> Duplicates { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads the headers of <paramref name="file"/> (a seekable stream); throws <see cref="ImageException"/> (<c>image.unreadable</c>) when it is no tar.</summary>
    public static TarIndex Read(Stream file, int maxMembers = MaxMembers)
    {
        var index = new TarIndex();
        var header = new byte[Block];
        long position = 0;
        var fileLength = file.Length;
        string? longName = null;
        string? paxPath = null;
        long? paxSize = null;
        var count = 0;
        while (true)
        {
            if (position + Block > fileLength) break; // no end-of-archive blocks (umoci 0.4.7): tolerated
            file.Position = position;
            file.ReadExactly(header);
            if (header.AsSpan().IndexOfAnyExcept((byte)0) < 0) break;
            if (!ChecksumOk(header)) throw new ImageException("image.unreadable", $"not a tar archive (bad header checksum at offset {position})");
            var type = (char)header[156];
            var size = ParseNumber(header.AsSpan(124, 12));
            if (size < 0) throw new ImageException("image.unreadable", $"tar header at offset {position} has an unreadable size");
            var dataOffset = position + Block;
            if (type is 'x' or 'L' or 'g' or 'K')
            {
                if (size > MaxMetadataBytes) throw new ImageException("image.unreadable", $"tar metadata entry at offset {position} is too large ({size} bytes)");
                if (dataOffset + size > fileLength) throw new ImageException("image.unreadable", "tar archive is truncated");
                var data = new byte[size];
                file.Position = dataOffset;
                file.ReadExactly(data);
                if (type == 'L') longName = Encoding.UTF8.GetString(data).TrimEnd('\0');
                else if (type == 'x') (paxPath, paxSize) = ParsePax(data);
                position = dataOffset + RoundUp(size);
                continue;
            }
            if (paxSize is { } ps) size = ps;
            if (dataOffset + size > fileLength) throw new ImageException("image.unreadable", "tar archive is truncated (a member runs past the end of the file)");
            var name = paxPath ?? longName ?? HeaderName(header);
            longName = null; paxPath = null; paxSize = null;
            if (++count > maxMembers) throw new ImageException("image.limit", $"image tar has more than {maxMembers} members");
            name = Normalize(name);
            if (name.Length > 0)
            {
                var member = new TarMember(name, type, dataOffset, type is '0' or '\0' or '7' ? size : 0);
                if (!index._members.TryAdd(name, member))
                {
                    // A directory listed twice is harmless; anything else is ambiguous.
                    if (!(type == '5' && index._members[name].Type == '5')) index.Duplicates.Add(name);
                }
            }
            // Only regular files (and the numbered GNU types, which carry data) occupy data blocks; links and directories do not.
            position = dataOffset + (type is '1' or '2' or '3' or '4' or '5' or '6' ? 0 : RoundUp(size));
        }
        if (count == 0) throw new ImageException("image.unreadable", "not a tar archive (no members)");
        return index;
    }

    /// <summary>The member called exactly <paramref name="name"/>, when it is a regular file named once.</summary>
    public TarMember? Regular(string name) =>
        _members.TryGetValue(name, out var m) && m.IsRegular && !Duplicates.Contains(name) ? m : null;

    /// <summary>Cheap check: is <paramref name="firstBlock"/> a tar header (checksum matches)?</summary>
    public static bool LooksLikeTar(ReadOnlySpan<byte> firstBlock) =>
        firstBlock.Length >= Block && firstBlock[..Block].IndexOfAnyExcept((byte)0) >= 0 && ChecksumOk(firstBlock[..Block]);

    /// <summary>The name in the first header of <paramref name="firstBlock"/> (no long-name handling).</summary>
    public static string FirstName(ReadOnlySpan<byte> firstBlock) => Normalize(HeaderName(firstBlock));

    // "./index.json" (tar -C dir -cf x.tar .) is the same member as "index.json"; directories end with '/'.
    private static string Normalize(string name)
    {
        while (name.StartsWith("./", StringComparison.Ordinal)) name = name[2..];
        return name.TrimEnd('/');
    }

    private static string HeaderName(ReadOnlySpan<byte> header)
    {
        var name = CString(header.Slice(0, 100));
        var magic = header.Slice(257, 6);
        if (magic.SequenceEqual("ustar\0"u8) || magic.SequenceEqual("ustar "u8))
        {
            var prefix = CString(header.Slice(345, 155));
            if (prefix.Length > 0 && magic[5] == 0) name = prefix + "/" + name;
        }
        return name;
    }

    private static string CString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    private static bool ChecksumOk(ReadOnlySpan<byte> header)
    {
        var stored = ParseNumber(header.Slice(148, 8));
        long unsigned = 0, signed = 0;
        for (var i = 0; i < Block; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : header[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        return stored == unsigned || stored == signed;
    }

    /// <summary>Octal (NUL/space padded) or GNU base-256; -1 when unreadable.</summary>
    private static long ParseNumber(ReadOnlySpan<byte> field)
    {
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            if ((field[0] & 0x40) != 0) return -1; // negative
            long v = field[0] & 0x3F;
            for (var i = 1; i < field.Length; i++)
            {
                if (v > (long.MaxValue >> 8)) return -1;
                v = (v << 8) | field[i];
            }
            return v;
        }
        long value = 0;
        var any = false;
        foreach (var b in field)
        {
            if (b is 0 or (byte)' ') { if (any) break; continue; }
            if (b is < (byte)'0' or > (byte)'7') return -1;
            if (value > (long.MaxValue >> 3)) return -1;
            value = (value << 3) | (long)(b - '0');
            any = true;
        }
        return value;
    }

    private static (string? Path, long? Size) ParsePax(byte[] data)
    {
        string? path = null;
        long? size = null;
        var pos = 0;
        while (pos < data.Length)
        {
            var space = Array.IndexOf(data, (byte)' ', pos);
            if (space < 0) break;
            if (!int.TryParse(Encoding.ASCII.GetString(data, pos, space - pos), out var len) || len <= 0 || pos + len > data.Length) break;
            var record = Encoding.UTF8.GetString(data, space + 1, pos + len - space - 1).TrimEnd('\n');
            var eq = record.IndexOf('=');
            if (eq > 0)
            {
                var key = record[..eq];
                var value = record[(eq + 1)..];
                if (key == "path") path = value;
                else if (key == "size" && long.TryParse(value, out var s) && s >= 0) size = s;
            }
            pos += len;
        }
        return (path, size);
    }

    private static long RoundUp(long size) => (size + Block - 1) / Block * Block;
}
