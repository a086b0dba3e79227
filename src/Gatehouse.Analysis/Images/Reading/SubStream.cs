namespace Gatehouse.Analysis.Images.Reading;

/// <summary>A read-only window (<c>offset</c>, <c>length</c>) of a file: one member of an image tar. Owns the file stream.</summary>
internal sealed class SubStream : Stream
{
    private readonly Stream _file;
    private readonly long _offset;
    private readonly long _length;
    private long _position;

    public SubStream(Stream file, long offset, long length)
    {
        _file = file;
        _offset = offset;
        _length = length;
        _file.Position = offset;
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var left = _length - _position;
        if (left <= 0 || buffer.IsEmpty) return 0;
        _file.Position = _offset + _position;
        var n = _file.Read(buffer[..(int)Math.Min(buffer.Length, left)]);
        _position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var left = _length - _position;
        if (left <= 0 || buffer.IsEmpty) return 0;
        _file.Position = _offset + _position;
        var n = await _file.ReadAsync(buffer[..(int)Math.Min(buffer.Length, left)], cancellationToken).ConfigureAwait(false);
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _length + offset,
    };

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }
}
