using System.Text;

namespace Gatehouse.Analysis.Images.Reading;

/// <summary>
/// Writes an OCI layout as a deterministic ustar stream: regular files only, mode 0644, owner 0:0, mtime 0, in the order
/// added. Blob data is streamed (sizes are known from descriptors), so a pulled layer is never held in memory. Names are
/// the layout's own (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/&lt;hex&gt;</c>), all shorter than 100 bytes.
/// </summary>
internal sealed class LayoutTarWriter(Stream output)
{
    private const int Block = 512;

    public Task AddAsync(string name, byte[] data, CancellationToken ct) => AddAsync(name, new MemoryStream(data, writable: false), data.Length, ct);

    public async Task AddAsync(string name, Stream data, long size, CancellationToken ct)
    {
        await output.WriteAsync(Header(name, size), ct).ConfigureAwait(false);
        var buffer = new byte[1 << 16];
        long written = 0;
        int n;
        while ((n = await data.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            written += n;
            if (written > size) throw new ImageException("image.digest-mismatch", $"{name} is longer than its declared {size} bytes");
            await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
        }
        if (written != size) throw new ImageException("image.digest-mismatch", $"{name} is {written} bytes, its descriptor says {size}");
        var pad = (int)((Block - size % Block) % Block);
        if (pad > 0) await output.WriteAsync(new byte[pad], ct).ConfigureAwait(false);
    }

    public async Task FinishAsync(CancellationToken ct)
    {
        await output.WriteAsync(new byte[Block * 2], ct).ConfigureAwait(false);
        await output.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A ustar header; sizes of 8 GiB and more use the GNU base-256 form.</summary>
    internal static byte[] Header(string name, long size)
    {
        var h = new byte[Block];
        var nameBytes = Encoding.UTF8.GetBytes(name);
        if (nameBytes.Length > 100) throw new ArgumentException("layout member names are short", nameof(name));
        nameBytes.CopyTo(h, 0);
        Octal(h, 100, 8, 0b110_100_100);
        Octal(h, 108, 8, 0);
        Octal(h, 116, 8, 0);
        if (size < 8L << 30) Octal(h, 124, 12, size);
        else
        {
            h[124] = 0x80;
            for (var i = 0; i < 8; i++) h[135 - i] = (byte)(size >> (8 * i));
        }
        Octal(h, 136, 12, 0);
        h[156] = (byte)'0';
        "ustar\0"u8.CopyTo(h.AsSpan(257));
        "00"u8.CopyTo(h.AsSpan(263));
        for (var i = 148; i < 156; i++) h[i] = (byte)' ';
        long sum = 0;
        foreach (var b in h) sum += b;
        Octal(h, 148, 7, sum);
        h[155] = (byte)' ';
        return h;
    }

    private static void Octal(byte[] h, int offset, int length, long value)
    {
        var text = Convert.ToString(value, 8).PadLeft(length - 1, '0');
        Encoding.ASCII.GetBytes(text).CopyTo(h, offset);
        h[offset + length - 1] = 0;
    }
}
