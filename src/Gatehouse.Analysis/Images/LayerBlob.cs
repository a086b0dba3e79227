namespace Gatehouse.Analysis.Images;

/// <summary>
/// One layer blob as the archive walker reads it: every <see cref="Open"/> is a fresh read of the blob through the image's
/// verifying stream (<see cref="ImageArchive.OpenBlob"/>), so a digest mismatch surfaces as an <see cref="ImageException"/>
/// once a stream reaches the end. Remembers whether some stream did (<see cref="ReachedEnd"/>: the digest was checked) and
/// the blob's last bytes, so the walker's gzip trailer check (a seek to the end) costs no second read.
/// </summary>
internal sealed class LayerBlob(Func<Stream> openBlob, long size)
{
    private const int TailLength = 8;

    private byte[]? _tail;

    /// <summary>The blob's length as the manifest declares it.</summary>
    public long Size { get; } = size;

    /// <summary>Some stream read the blob to its end, so its digest and length were verified.</summary>
    public bool ReachedEnd { get; private set; }

    /// <summary>A new read of the blob from the start (seekable forward only, backward to nothing).</summary>
    public Stream Open() => new BlobStream(this, openBlob);

    /// <summary>Reads the blob to its end (verifying it) unless some stream did already.</summary>
    public async Task EnsureVerifiedAsync(CancellationToken ct)
    {
        if (ReachedEnd) return;
        var s = Open();
        await using (s.ConfigureAwait(false))
        {
            await s.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);
        }
    }

    private sealed class BlobStream(LayerBlob blob, Func<Stream> openBlob) : Stream
    {
        private readonly byte[] _rolling = new byte[TailLength];
        private Stream? _inner;
        private long _position;
        private bool _fromTail;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => blob.Size;

        public override long Position
        {
            get => _position;
            set => Seek(value, SeekOrigin.Begin);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_fromTail) return ReadTail(buffer);
            _inner ??= openBlob();
            var n = _inner.Read(buffer);
            Advance(buffer[..n]);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_fromTail) return ReadTail(buffer.Span);
            _inner ??= openBlob();
            var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Advance(buffer.Span[..n]);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Advance(ReadOnlySpan<byte> chunk)
        {
            if (chunk.IsEmpty)
            {
                // The verifying stream said end without throwing: the digest matched.
                if (_position == blob.Size)
                {
                    blob._tail ??= Tail();
                    blob.ReachedEnd = true;
                }
                return;
            }
            // Keep the last bytes read, in order, for the trailer.
            if (chunk.Length >= TailLength)
            {
                chunk[^TailLength..].CopyTo(_rolling);
            }
            else
            {
                _rolling.AsSpan(chunk.Length).CopyTo(_rolling);
                chunk.CopyTo(_rolling.AsSpan(TailLength - chunk.Length));
            }
            _position += chunk.Length;
        }

        private byte[] Tail()
        {
            var n = (int)Math.Min(TailLength, blob.Size);
            return _rolling[(TailLength - n)..];
        }

        private int ReadTail(Span<byte> buffer)
        {
            var tail = blob._tail!;
            var start = tail.Length - (int)(blob.Size - _position);
            var n = Math.Min(buffer.Length, tail.Length - start);
            if (n <= 0) return 0;
            tail.AsSpan(start, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            var target = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => _position + offset,
                _ => blob.Size + offset,
            };
            if (target == _position) return _position;
            if (target < 0 || target > blob.Size) throw new IOException("seek outside the layer blob");
            if (blob._tail is { } tail && target >= blob.Size - tail.Length)
            {
                // The end is known from a read that verified the blob: serve it without reading again.
                _fromTail = true;
                _position = target;
                return _position;
            }
            if (target < _position || _fromTail) throw new NotSupportedException("a layer blob is read forward only");
            // Forward: read and drop (the digest is still checked at the end).
            var skip = new byte[1 << 16];
            while (_position < target)
            {
                var n = Read(skip.AsSpan(0, (int)Math.Min(skip.Length, target - _position)));
                if (n == 0) break;
            }
            return _position;
        }

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner?.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            if (_inner is not null) await _inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
