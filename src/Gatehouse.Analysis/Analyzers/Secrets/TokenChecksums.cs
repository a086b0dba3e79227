using System.Buffers.Text;
using System.Text;

namespace Gatehouse.Analysis.Analyzers.Secrets;

/// <summary>
/// Offline checks of token formats that carry their own integrity data, so a match is known to be a
/// token the issuer minted (or to be a look-alike: a typo, a redaction, a made-up example).
/// </summary>
internal static class TokenChecksums
{
    private const string Base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>
    /// The 2021 GitHub token format, also used by npm: <c>prefix_</c>, 30 base62 characters of
    /// entropy, then the CRC-32 (IEEE) of those 30 characters in 6 base62 characters (big-endian,
    /// left-padded with '0'). Null when the token is not that layout (e.g. a longer <c>ghr_</c>
    /// refresh token), so its checksum cannot be checked; otherwise whether it matches.
    /// </summary>
    public static bool? Crc32Base62(string token)
    {
        var underscore = token.IndexOf('_', StringComparison.Ordinal);
        if (underscore < 0) return false;
        var body = token.AsSpan(underscore + 1);
        if (body.Length != 36) return null;
        var entropy = body[..30];
        var crc = GatehouseApiKeyFormat.Crc32(Encoding.ASCII.GetBytes(entropy.ToString()));
        return body[30..].SequenceEqual(Base62(crc, 6));
    }

    /// <summary><paramref name="value"/> in base62 (0-9A-Za-z), left-padded with '0' to <paramref name="width"/>.</summary>
    internal static string Base62(uint value, int width)
    {
        Span<char> buffer = stackalloc char[16];
        var at = buffer.Length;
        do
        {
            buffer[--at] = Base62Alphabet[(int)(value % 62)];
            value /= 62;
        }
        while (value > 0);
        return new string(buffer[at..]).PadLeft(width, '0');
    }

    /// <summary>
    /// A PyPI API token: <c>pypi-</c> and a base64url macaroon (libmacaroons v2 binary format) whose
    /// location is pypi.org (or test.pypi.org), with an identifier and a 32-byte signature. Random text
    /// after the well-known prefix does not decode to that structure.
    /// </summary>
    public static bool IsPyPiMacaroon(string token)
    {
        if (!token.StartsWith("pypi-", StringComparison.Ordinal) || token.Length > 8192) return false;
        var encoded = token.AsSpan(5);
        var bytes = new byte[Base64Url.GetMaxDecodedLength(encoded.Length)];
        if (Base64Url.DecodeFromChars(encoded, bytes, out _, out var written) != System.Buffers.OperationStatus.Done) return false;
        var data = bytes.AsSpan(0, written);
        if (data.IsEmpty || data[0] != 2) return false;
        var at = 1;
        string? location = null;
        var identifier = false;
        // Header fields, each: type (varint), length (varint), bytes; a 0 byte ends a section.
        while (at < data.Length)
        {
            var type = ReadVarint(data, ref at);
            if (type == 0) break;
            var length = ReadVarint(data, ref at);
            if (length < 0 || length > data.Length - at) return false;
            if (type == 1) location = Encoding.ASCII.GetString(data.Slice(at, length));
            if (type == 2) identifier = length > 0;
            at += length;
        }

        if (location is not ("pypi.org" or "test.pypi.org") || !identifier) return false;
        // Caveat sections follow, then an empty section, then the signature field (type 6, 32 bytes).
        for (var sections = 0; at < data.Length && sections < 1024; sections++)
        {
            var type = ReadVarint(data, ref at);
            if (type == 0) continue;
            var length = ReadVarint(data, ref at);
            if (length < 0 || length > data.Length - at) return false;
            if (type == 6) return length == 32 && at + length == data.Length;
            at += length;
        }

        return false;
    }

    private static int ReadVarint(ReadOnlySpan<byte> data, ref int at)
    {
        var value = 0;
        for (var shift = 0; shift < 28; shift += 7)
        {
            if (at >= data.Length) return -1;
            var b = data[at++];
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }

        return -1;
    }
}
