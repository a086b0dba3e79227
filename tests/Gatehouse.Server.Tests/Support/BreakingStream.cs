using System.Security.Cryptography;

namespace Gatehouse.Server.Tests.Support;

/// <summary>Yields <c>failAfter</c> bytes, then fails like a dropped connection.</summary>
public sealed class BreakingStream(long failAfter) : Stream
{
    private long _given;
    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_given >= failAfter) throw new IOException("connection reset by peer");
        var n = (int)Math.Min(count, failAfter - _given);
        RandomNumberGenerator.Fill(buffer.AsSpan(offset, n));
        _given += n;
        return n;
    }
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _given; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
