using System.Text;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Artifacts;

/// <summary>
/// Sits between a tar byte stream and <see cref="System.Formats.Tar.TarReader"/> and follows the
/// header blocks as they pass. <c>TarReader</c> allocates a buffer as large as a PAX (<c>x</c>,
/// <c>g</c>) or GNU long-name (<c>L</c>, <c>K</c>) entry claims to be, before reading it: a 2 KB
/// tar claiming a 1.5 GB PAX header costs 1.5 GB of memory (measured on .NET 10). This guard
/// rejects such metadata entries above <see cref="MaxMetadataBytes"/> before the reader sees them.
/// It tracks the PAX <c>size</c> record so it stays in step with entries larger than 8 GiB.
/// </summary>
internal sealed class TarGuardStream(Stream inner, string archivePath) : ForwardOnlyStream
{
    /// <summary>Real PAX and long-name records are a few hundred bytes; 1 MiB is generous.</summary>
    public const int MaxMetadataBytes = 1 << 20;
    private const int Block = 512;

    private readonly byte[] _header = new byte[Block];
    private int _headerFill;
    private long _dataRemaining;
    private long? _nextSize;
    private MemoryStream? _pax;
    private long _paxLength;

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Follow(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Follow(buffer.Span[..n]);
        return n;
    }

    private void Follow(ReadOnlySpan<byte> chunk)
    {
        while (!chunk.IsEmpty)
        {
            if (_dataRemaining > 0)
            {
                var take = (int)Math.Min(chunk.Length, _dataRemaining);
                if (_pax is not null)
                {
                    var wanted = (int)Math.Max(0, Math.Min(take, _paxLength - _pax.Length));
                    _pax.Write(chunk[..wanted]);
                }
                _dataRemaining -= take;
                chunk = chunk[take..];
                if (_dataRemaining == 0 && _pax is not null)
                {
                    _nextSize = PaxSize(_pax.GetBuffer().AsSpan(0, (int)_pax.Length)) ?? _nextSize;
                    _pax = null;
                }
                continue;
            }
            var fill = Math.Min(chunk.Length, Block - _headerFill);
            chunk[..fill].CopyTo(_header.AsSpan(_headerFill));
            _headerFill += fill;
            chunk = chunk[fill..];
            if (_headerFill == Block)
            {
                _headerFill = 0;
                OnHeader();
            }
        }
    }

    private void OnHeader()
    {
        if (_header.AsSpan().IndexOfAnyExcept((byte)0) < 0) return; // end-of-archive block
        var type = (char)_header[156];
        var size = ParseSize(_header.AsSpan(124, 12));
        if (size < 0) throw new InvalidDataException("tar header has an unreadable size field");
        if (type is 'x' or 'g' or 'L' or 'K')
        {
            if (size > MaxMetadataBytes)
                throw new ArchiveLimitException("size", archivePath,
                    $"a tar metadata entry (type '{type}') claims {size} bytes; more than {MaxMetadataBytes} is never legitimate", stopsWalk: false);
            if (type == 'x')
            {
                _pax = new MemoryStream((int)size);
                _paxLength = size;
            }
        }
        else if (_nextSize is { } paxSize)
        {
            size = paxSize;
            _nextSize = null;
        }
        _dataRemaining = (size + Block - 1) / Block * Block;
        if (_dataRemaining == 0 && _pax is not null) _pax = null;
    }

    /// <summary>Octal (POSIX) or base-256 (GNU, high bit set) numeric field; -1 if unreadable.</summary>
    private static long ParseSize(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            if ((field[0] & 0x40) != 0) return -1; // negative
            long v = field[0] & 0x3F;
            foreach (var b in field[1..])
            {
                if (v > (long.MaxValue >> 8)) return -1;
                v = (v << 8) | b;
            }
            return v;
        }
        long value = 0;
        var digits = 0;
        foreach (var b in field)
        {
            if (b is (byte)' ' or 0)
            {
                if (digits > 0) break;
                continue;
            }
            if (b is < (byte)'0' or > (byte)'7' || value > (long.MaxValue >> 3)) return -1;
            value = (value * 8) + (b - '0');
            digits++;
        }
        return value;
    }

    /// <summary>The <c>size</c> record of a PAX extended header ("LEN size=VALUE\n" records), if any.</summary>
    private static long? PaxSize(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var space = data.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(Encoding.ASCII.GetString(data[..space]), out var length) || length <= space || length > data.Length) return null;
            var record = data[(space + 1)..length];
            if (record.StartsWith("size="u8) && long.TryParse(Encoding.ASCII.GetString(record[5..].TrimEnd((byte)'\n')), out var size) && size >= 0)
                return size;
            data = data[length..];
        }
        return null;
    }
}
