using System.Security.Cryptography;

namespace Gatehouse.Analysis.Images.Reading;

/// <summary>
/// Reads a blob and checks it against its descriptor as it goes: more bytes than declared throw at once, and at the end
/// the length and the SHA-256 must match (<see cref="ImageException"/> <c>image.digest-mismatch</c>). A reader that stops
/// early gets no verdict: only a stream read to its end has been verified.
/// </summary>
internal sealed class VerifyingStream : Stream
{
    private readonly Stream _inner;
    private readonly string _digest;
    private readonly long _size;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _verified;

    public VerifyingStream(Stream inner, string digest, long size)
    {
        _inner = inner;
        _digest = digest;
        _size = size;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _size;
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_verified || buffer.IsEmpty) return 0;
        // Ask for one byte more than declared so an over-long blob is caught as soon as it shows.
        var want = (int)Math.Min(buffer.Length, _size - _read + 1);
        var n = _inner.Read(buffer[..want]);
        return Account(buffer[..n]);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_verified || buffer.IsEmpty) return 0;
        var want = (int)Math.Min(buffer.Length, _size - _read + 1);
        var n = await _inner.ReadAsync(buffer[..want], cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..n]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Account(ReadOnlySpan<byte> chunk)
    {
        _read += chunk.Length;
        if (_read > _size) throw new ImageException("image.digest-mismatch", $"blob {_digest} is longer than its declared {_size} bytes");
        _hash.AppendData(chunk);
        if (chunk.Length == 0)
        {
            if (_read != _size) throw new ImageException("image.digest-mismatch", $"blob {_digest} is {_read} bytes, its descriptor says {_size}");
            var actual = "sha256:" + Convert.ToHexStringLower(_hash.GetHashAndReset());
            if (!string.Equals(actual, _digest, StringComparison.Ordinal))
                throw new ImageException("image.digest-mismatch", $"blob {_digest} has digest {actual}");
            _verified = true;
        }
        return chunk.Length;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}
