namespace Gatehouse.Server.Tests.Support;

/// <summary>
/// A forward-only, read-only stream for tests: a subclass says what <see cref="Stream.Read(byte[], int, int)"/> yields
/// and counts it in <see cref="Given"/>, which is also its <see cref="Position"/>; everything else is refused.
/// </summary>
public abstract class ReadOnlyTestStream : Stream
{
    /// <summary>Bytes handed out so far.</summary>
    protected long Given { get; set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Given; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
