using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Artifacts;

/// <summary>
/// A read-only view of <c>[start, start+length)</c> of a seekable stream. Reads never go past the
/// window, so a decompressor fed from it cannot consume more than the entry's compressed bytes.
/// The view seeks the shared inner stream before each read; use one view at a time.
/// </summary>
internal sealed class WindowStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly long _start;
    private readonly long _length;
    private long _position;

    public WindowStream(Stream inner, long start, long length)
    {
        _inner = inner;
        _start = start;
        _length = Math.Max(0, Math.Min(length, inner.Length - start));
    }

    public override bool CanSeek => true;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value < 0 ? throw new ArgumentOutOfRangeException(nameof(value)) : value;
    }

    public override int Read(Span<byte> buffer)
    {
        var remaining = _length - _position;
        if (remaining <= 0 || buffer.IsEmpty) return 0;
        if (buffer.Length > remaining) buffer = buffer[..(int)remaining];
        _inner.Position = _start + _position;
        var n = _inner.Read(buffer);
        _position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var remaining = _length - _position;
        if (remaining <= 0 || buffer.IsEmpty) return 0;
        if (buffer.Length > remaining) buffer = buffer[..(int)remaining];
        _inner.Position = _start + _position;
        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };
        return _position;
    }
}

/// <summary>Replays bytes already read (for sniffing) and then continues with the inner stream.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : ForwardOnlyStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override int Read(Span<byte> buffer)
    {
        if (!_prefix.IsEmpty)
        {
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }
        return inner.Read(buffer);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_prefix.IsEmpty) return ValueTask.FromResult(Read(buffer.Span));
        return inner.ReadAsync(buffer, cancellationToken);
    }
}

/// <summary>
/// Counts the bytes a decompression layer (gzip) produces and lets the walker stop it (by throwing
/// <see cref="ArchiveLimitException"/> from <paramref name="onRead"/>) before a bomb fills the disk.
/// </summary>
internal sealed class CountingStream(Stream inner, Action<long> onRead) : ForwardOnlyStream
{
    private long _produced;

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        _produced += n;
        onRead(_produced);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _produced += n;
        onRead(_produced);
        return n;
    }
}

/// <summary>
/// CRC-32 and length (mod 2^32) of the bytes read through it: a gzip file whose last 8 bytes are exactly these ends with
/// the member that produced them (.NET's <see cref="System.IO.Compression.GZipStream"/> ignores bytes after the last member).
/// </summary>
internal sealed class ChecksumStream(Stream inner) : ForwardOnlyStream
{
    private Crc32 _crc = new();
    private uint _length;

    public uint Crc => _crc.Value;
    public uint Length32 => _length;

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Append(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Append(buffer.Span[..n]);
        return n;
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        _crc.Append(data);
        _length = unchecked(_length + (uint)data.Length);
    }
}

/// <summary>A policy limit was hit inside a decompression layer; the walker turns it into <c>archive.bomb</c>.</summary>
internal sealed class ArchiveLimitException : Exception
{
    public ArchiveLimitException() { }
    public ArchiveLimitException(string message) : base(message) { }
    public ArchiveLimitException(string message, Exception inner) : base(message, inner) { }

    public ArchiveLimitException(string kind, string path, string message, bool stopsWalk) : base(message)
    {
        Kind = kind;
        Path = path;
        StopsWalk = stopsWalk;
    }

    public string Kind { get; } = "";
    public string Path { get; } = "";
    public bool StopsWalk { get; }
}
