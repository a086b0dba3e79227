using Gatehouse.Analysis.Pipeline;
using Gatehouse.Server.Data.Blobs;

namespace Gatehouse.Server.Downloads;

/// <summary>
/// A seekable view of a blob in a store whose own streams cannot seek (S3): each read from a new position opens a
/// ranged read there, so Range requests fetch only the bytes asked for.
/// </summary>
internal sealed class SeekableBlobStream(IBlobStore store, string digest, long length) : ReadOnlyStream
{
    private Stream? _current;
    private long _position;

    public override bool CanSeek => true;
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
        _current ??= await OpenAsync(cancellationToken);
        return Advance(await _current.ReadAsync(buffer, cancellationToken));
    }

    public override int Read(Span<byte> buffer)
    {
        if (_position >= length || buffer.Length == 0) return 0;
        _current ??= OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        return Advance(_current.Read(buffer));
    }

    private async Task<Stream> OpenAsync(CancellationToken ct) =>
        await store.OpenRangeAsync(digest, _position, length - _position, ct)
            ?? throw new IOException($"blob {digest} disappeared while it was being read");

    private int Advance(int n)
    {
        if (n == 0) throw new IOException($"blob {digest} ended at {_position} of {length} bytes");
        _position += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _current?.Dispose();
        base.Dispose(disposing);
    }
}
