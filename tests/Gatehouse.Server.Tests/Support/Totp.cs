using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Gatehouse.Server.Tests.Support;

/// <summary>RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits), what an authenticator app computes.</summary>
public static class Totp
{
    /// <summary>The code for <paramref name="base32Key"/> (spaces and case ignored) at <paramref name="at"/> (default: now).</summary>
    public static string Code(string base32Key, DateTimeOffset? at = null)
    {
        var key = FromBase32(base32Key);
        var step = (at ?? TimeProvider.System.GetUtcNow()).ToUnixTimeSeconds() / 30;
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        var hash = HMACSHA1.HashData(key, counter); // RFC 4226 §5.3: dynamic truncation
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A well-formed code that is not the current one nor a neighbour's (surely wrong).</summary>
    public static string WrongCode(string base32Key)
    {
        var now = TimeProvider.System.GetUtcNow();
        var near = Enumerable.Range(-3, 7).Select(i => Code(base32Key, now.AddSeconds(30 * i))).ToHashSet();
        for (var n = 0; ; n++)
        {
            var c = n.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            if (!near.Contains(c)) return c;
        }
    }

    private static byte[] FromBase32(string s)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var clean = new string(s.Where(c => !char.IsWhiteSpace(c) && c != '=').Select(char.ToUpperInvariant).ToArray());
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            var v = alphabet.IndexOf(c, StringComparison.Ordinal);
            if (v < 0) throw new FormatException($"not base32: {c}");
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }
}
