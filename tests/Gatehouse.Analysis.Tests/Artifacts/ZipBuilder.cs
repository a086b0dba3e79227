using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Gatehouse.Analysis.Tests.Artifacts;

/// <summary>How one entry is written; the overrides make local and central headers lie.</summary>
internal sealed record ZipEntrySpec
{
    public bool Deflate { get; init; } = true;
    public ushort Flags { get; init; }
    public uint? CrcOverride { get; init; }
    public string? LocalName { get; init; }
    public ushort? LocalMethod { get; init; }
    public long? LocalUncompressedSize { get; init; }
    /// <summary>Unix st_mode; sets "made by Unix" (APPNOTE 4.4.2) and the high 16 bits of the external attributes.</summary>
    public int? UnixMode { get; init; }
    /// <summary>Write sizes (and the central offset) through the ZIP64 extra field.</summary>
    public bool Zip64 { get; init; }
}

/// <summary>
/// Writes zip files byte by byte (PKWARE APPNOTE 6.3.10) so tests can craft what no zip library
/// will produce: lying headers, shared data, encrypted flags, ZIP64 records, hostile names.
/// </summary>
internal sealed class ZipBuilder
{
    private readonly MemoryStream _body = new();
    private readonly List<byte[]> _central = [];

    /// <summary>A local header plus data already written, to be listed in the central directory once or more.</summary>
    internal sealed record Local(string Name, long Offset, ushort Method, ushort Flags, uint Crc, long CompressedSize, long UncompressedSize, ZipEntrySpec Spec);

    public ZipBuilder Add(string name, byte[] content, ZipEntrySpec? spec = null)
    {
        AddCentral(AddLocal(name, content, spec ?? new ZipEntrySpec()));
        return this;
    }

    public ZipBuilder Add(string name, string content, ZipEntrySpec? spec = null) => Add(name, Encoding.UTF8.GetBytes(content), spec);

    /// <summary>Bytes that belong to no entry (hidden data between entries).</summary>
    public ZipBuilder AddRaw(byte[] bytes)
    {
        _body.Write(bytes);
        return this;
    }

    public Local AddLocal(string name, byte[] content, ZipEntrySpec spec)
    {
        var data = spec.Deflate ? Deflate(content) : content;
        var method = (ushort)(spec.Deflate ? 8 : 0);
        var crc = spec.CrcOverride ?? Crc(content);
        var flags = (ushort)(spec.Flags | 0x0800);
        var local = new Local(name, _body.Position, method, flags, crc, data.Length, content.Length, spec);
        var nameBytes = Encoding.UTF8.GetBytes(spec.LocalName ?? name);
        var extra = spec.Zip64 ? Zip64Extra(spec.LocalUncompressedSize ?? content.Length, data.Length, null) : [];
        var w = new BinaryWriter(_body, Encoding.UTF8, leaveOpen: true);
        w.Write(0x04034b50u);
        w.Write((ushort)(spec.Zip64 ? 45 : 20));
        w.Write(flags);
        w.Write(spec.LocalMethod ?? method);
        w.Write((ushort)0); // time
        w.Write((ushort)0x21); // date 1980-01-01
        w.Write(crc);
        w.Write(spec.Zip64 ? uint.MaxValue : (uint)data.Length);
        w.Write(spec.Zip64 ? uint.MaxValue : (uint)(spec.LocalUncompressedSize ?? content.Length));
        w.Write((ushort)nameBytes.Length);
        w.Write((ushort)extra.Length);
        w.Write(nameBytes);
        w.Write(extra);
        w.Write(data);
        return local;
    }

    /// <summary>Lists a local entry in the central directory, optionally under another name.</summary>
    public ZipBuilder AddCentral(Local l, string? name = null)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name ?? l.Name);
        var spec = l.Spec;
        var extra = spec.Zip64 ? Zip64Extra(l.UncompressedSize, l.CompressedSize, l.Offset) : [];
        using var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write(0x02014b50u);
        w.Write((ushort)(spec.UnixMode is null ? 20 : (3 << 8) | 20)); // made by
        w.Write((ushort)(spec.Zip64 ? 45 : 20)); // needed
        w.Write(l.Flags);
        w.Write(l.Method);
        w.Write((ushort)0);
        w.Write((ushort)0x21);
        w.Write(l.Crc);
        w.Write(spec.Zip64 ? uint.MaxValue : (uint)l.CompressedSize);
        w.Write(spec.Zip64 ? uint.MaxValue : (uint)l.UncompressedSize);
        w.Write((ushort)nameBytes.Length);
        w.Write((ushort)extra.Length);
        w.Write((ushort)0); // comment
        w.Write((ushort)0); // disk
        w.Write((ushort)0); // internal attributes
        w.Write(spec.UnixMode is { } mode ? (uint)mode << 16 : 0u);
        w.Write(spec.Zip64 ? uint.MaxValue : (uint)l.Offset);
        w.Write(nameBytes);
        w.Write(extra);
        w.Flush();
        _central.Add(ms.ToArray());
        return this;
    }

    /// <summary>The archive: body, central directory, optional ZIP64 end record and locator, end record.</summary>
    public byte[] ToArray(bool zip64 = false)
    {
        using var ms = new MemoryStream();
        _body.Position = 0;
        _body.CopyTo(ms);
        var cdOffset = ms.Position;
        foreach (var c in _central) ms.Write(c);
        var cdSize = ms.Position - cdOffset;
        var w = new BinaryWriter(ms);
        if (zip64)
        {
            var recordOffset = ms.Position;
            w.Write(0x06064b50u);
            w.Write(44UL); // size of the rest of the record
            w.Write((ushort)45);
            w.Write((ushort)45);
            w.Write(0u);
            w.Write(0u);
            w.Write((ulong)_central.Count);
            w.Write((ulong)_central.Count);
            w.Write((ulong)cdSize);
            w.Write((ulong)cdOffset);
            w.Write(0x07064b50u);
            w.Write(0u);
            w.Write((ulong)recordOffset);
            w.Write(1u);
        }
        w.Write(0x06054b50u);
        w.Write((ushort)0);
        w.Write((ushort)0);
        w.Write(zip64 ? ushort.MaxValue : (ushort)_central.Count);
        w.Write(zip64 ? ushort.MaxValue : (ushort)_central.Count);
        w.Write(zip64 ? uint.MaxValue : (uint)cdSize);
        w.Write(zip64 ? uint.MaxValue : (uint)cdOffset);
        w.Write((ushort)0);
        w.Flush();
        return ms.ToArray();
    }

    public static byte[] Deflate(byte[] content)
    {
        using var ms = new MemoryStream();
        using (var d = new DeflateStream(ms, CompressionLevel.SmallestSize, leaveOpen: true)) d.Write(content);
        return ms.ToArray();
    }

    private static byte[] Zip64Extra(long usize, long csize, long? offset)
    {
        var body = new byte[offset is null ? 16 : 24];
        BinaryPrimitives.WriteUInt64LittleEndian(body, (ulong)usize);
        BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(8), (ulong)csize);
        if (offset is { } o) BinaryPrimitives.WriteUInt64LittleEndian(body.AsSpan(16), (ulong)o);
        var extra = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(extra, 0x0001);
        BinaryPrimitives.WriteUInt16LittleEndian(extra.AsSpan(2), (ushort)body.Length);
        body.CopyTo(extra, 4);
        return extra;
    }

    private static uint Crc(byte[] data)
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }
}
