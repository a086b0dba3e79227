using System.Security.Cryptography;

namespace Gatehouse.Server.Tests.Support;

/// <summary>Yields <c>failAfter</c> bytes, then fails like a dropped connection.</summary>
public sealed class BreakingStream(long failAfter) : ReadOnlyTestStream
{
    public override int Read(byte[] buffer, int offset, int count)
    {
        if (Given >= failAfter) throw new IOException("connection reset by peer");
        var n = (int)Math.Min(count, failAfter - Given);
        RandomNumberGenerator.Fill(buffer.AsSpan(offset, n));
        Given += n;
        return n;
    }
}
