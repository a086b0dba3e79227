using Gatehouse.Server.Data.Blobs;

namespace Gatehouse.Server.Downloads;

/// <summary>
/// A seekable view of a blob in a store whose own streams cannot seek (S3): each read from a new position opens a
/// ranged read there, so Range requests fetch only the bytes asked for.
/// </summary>
internal sealed class SeekableBlobStream(IBlobStore store, string digest, long length) : Stream
{
    private Stream? _current;
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        if (target != _position)
        {
            _current?.Dispose();
            _current = null;
            _position = target;
        }
        return _position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0) return 0;
        _current ??= await store.OpenRangeAsync(digest, _position, length - _position, cancellationToken)
            ?? throw new IOException($"blob {digest} disappeared while it was being read");
        var n = await _current.ReadAsync(buffer, cancellationToken);
        if (n == 0) throw new IOException($"blob {digest} ended at {_position} of {length} bytes");
        _position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _current?.Dispose();
        base.Dispose(disposing);
    }
}
