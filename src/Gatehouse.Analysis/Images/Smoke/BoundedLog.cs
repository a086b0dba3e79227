using System.Text;

namespace Gatehouse.Analysis.Images.Smoke;

/// <summary>
/// The first <c>capacity</c> bytes of a process's output, kept while the rest is read and dropped (so a chatty container
/// can neither fill memory nor block on a full pipe); says <c>[cut]</c> when anything was dropped.
/// </summary>
internal sealed class BoundedLog(int capacity)
{
    private readonly Lock _gate = new();
    private readonly MemoryStream _kept = new();
    private long _dropped;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            var room = (int)Math.Max(0, capacity - _kept.Length);
            var take = Math.Min(room, bytes.Length);
            _kept.Write(bytes[..take]);
            _dropped += bytes.Length - take;
        }
    }

    /// <summary>Reads <paramref name="stream"/> to its end into the log.</summary>
    public async Task PumpAsync(Stream stream)
    {
        var buffer = new byte[8192];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0) Append(buffer.AsSpan(0, n));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The process went away mid-read: what was read is kept.
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            var text = Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)_kept.Length);
            return _dropped > 0 ? text + $"\n[cut: {_dropped} more bytes]" : text;
        }
    }

    /// <summary><paramref name="text"/> cut to <paramref name="maxBytes"/> UTF-8 bytes, ending in <c>[cut]</c> when it was longer.</summary>
    public static string Cut(string text, int maxBytes)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length <= maxBytes) return text;
        const string marker = "\n[cut]";
        var keep = Math.Max(0, maxBytes - marker.Length);
        return Encoding.UTF8.GetString(bytes, 0, keep).TrimEnd('\uFFFD') + marker;
    }
}
