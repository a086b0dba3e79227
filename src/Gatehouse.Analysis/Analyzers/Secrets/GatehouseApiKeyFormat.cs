using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Analysis.Analyzers.Secrets;

/// <summary>
/// The format of Gatehouse API keys, shared by the server (which issues and checks them) and the
/// secret rule <c>secret.gatehouse-api-key</c> (which finds leaked ones), so both agree on what a key is:
/// <c>ghk_{live|test}_{keyId}_{secret}{crc6}</c>. <c>keyId</c> is 11 base62 characters from 64 random bits,
/// <c>secret</c> 33 base62 characters from 192 random bits, <c>crc6</c> the CRC-32 (IEEE) of everything
/// before it in 6 base62 characters, so a typo or a look-alike fails the checksum offline
/// (the GitHub 2021 token format uses the same idea).
/// </summary>
public static class GatehouseApiKeyFormat
{
    public const string LivePrefix = "ghk_live_";
    public const string TestPrefix = "ghk_test_";
    public const int KeyIdLength = 11;
    public const int SecretLength = 33;
    public const int ChecksumLength = 6;
    /// <summary>Length of every key: prefix (9), id, underscore, secret, checksum.</summary>
    public const int Length = 9 + KeyIdLength + 1 + SecretLength + ChecksumLength;

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>A new random key and its public id.</summary>
    public static (string Key, string KeyId) Generate(bool live = true)
    {
        var keyId = Base62(RandomNumberGenerator.GetBytes(8), KeyIdLength);
        var secret = Base62(RandomNumberGenerator.GetBytes(24), SecretLength);
        var body = (live ? LivePrefix : TestPrefix) + keyId + "_" + secret;
        return (body + Checksum(body), keyId);
    }

    /// <summary>
    /// Strict check of shape, alphabet and checksum, without any lookup. True only for a well-formed
    /// key whose checksum matches.
    /// </summary>
    public static bool TryParse(string? presented, out string keyId, out bool live)
    {
        keyId = "";
        live = false;
        if (presented is null || presented.Length != Length) return false;
        if (presented.StartsWith(LivePrefix, StringComparison.Ordinal)) live = true;
        else if (!presented.StartsWith(TestPrefix, StringComparison.Ordinal)) return false;
        var rest = presented.AsSpan(LivePrefix.Length);
        if (rest[KeyIdLength] != '_') return false;
        for (var i = 0; i < rest.Length; i++)
        {
            if (i == KeyIdLength) continue;
            if (!IsBase62(rest[i])) return false;
        }
        var body = presented[..^ChecksumLength];
        if (!string.Equals(Checksum(body), presented[^ChecksumLength..], StringComparison.Ordinal)) return false;
        keyId = rest[..KeyIdLength].ToString();
        return true;
    }

    /// <summary>True when <paramref name="value"/> is a well-formed key with a valid checksum.</summary>
    public static bool IsValid(string value) => TryParse(value, out _, out _);

    /// <summary>The 6-character base62 CRC-32 of <paramref name="body"/>.</summary>
    public static string Checksum(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var crc = Crc32(Encoding.ASCII.GetBytes(body));
        return Base62(BitConverter.GetBytes(crc), ChecksumLength);
    }

    private static bool IsBase62(char c) => c is (>= '0' and <= '9') or (>= 'A' and <= 'Z') or (>= 'a' and <= 'z');

    /// <summary>Unsigned little-endian <paramref name="bytes"/> in base62, left-padded with '0' to <paramref name="width"/>.</summary>
    private static string Base62(byte[] bytes, int width)
    {
        var n = new BigInteger(bytes, isUnsigned: true);
        var sb = new StringBuilder(width);
        while (n > 0)
        {
            n = BigInteger.DivRem(n, 62, out var r);
            sb.Insert(0, Alphabet[(int)r]);
        }
        if (sb.Length > width) throw new InvalidOperationException("value does not fit the width");
        return sb.ToString().PadLeft(width, '0');
    }

    /// <summary>CRC-32 (IEEE 802.3, as zlib computes it).</summary>
    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFF_FFFFu;
        foreach (var b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB8_8320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
