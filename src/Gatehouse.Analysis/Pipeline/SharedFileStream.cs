using Microsoft.Win32.SafeHandles;

namespace Gatehouse.Analysis.Pipeline;

/// <summary>
/// A read-only, seekable view of an open file with its own position, over a handle shared by several
/// readers (<see cref="RandomAccess"/>). The pipeline keeps a member's handle open while its analyzers
/// run, so the walker may already unlink the temp file and extract the next member (on Linux an
/// unlinked file lives until its last handle closes).
/// </summary>
internal sealed class SharedFileStream(SafeFileHandle handle, long length) : ReadOnlyStream
{
    private long _position;

    /// <summary>The shared handle (engines that read by descriptor, such as libyara, use it).</summary>
    public SafeFileHandle Handle { get; } = handle;

    public override bool CanSeek => true;
    public override long Length { get; } = length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(Span<byte> buffer)
    {
        if (_position >= Length) return 0;
        var n = RandomAccess.Read(Handle, buffer[..(int)Math.Min(buffer.Length, Length - _position)], _position);
        _position += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= Length) return 0;
        var n = await RandomAccess.ReadAsync(Handle, buffer[..(int)Math.Min(buffer.Length, Length - _position)], _position, cancellationToken);
        _position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => Length + offset,
    };
}
