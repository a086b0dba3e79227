using System.Buffers.Binary;
using System.Text;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Utilities;
using Org.BouncyCastle.Security;

namespace Gatehouse.Analysis.Analyzers.Secrets;

/// <summary>
/// Decides whether a PEM / OpenSSH / PGP armored block is a real private key: complete (BEGIN and
/// END), its body decodes, and the decoded bytes parse as the key type the header names (BouncyCastle).
/// Documentation shows truncated keys (<c>MIIE...</c>), placeholders (<c>xxxx</c>) and random
/// base64; none of them parses, so none is reported. Bounded and total: a block larger than
/// <see cref="MaxBodyChars"/> is not a key, and any parser exception means "not a key", never an
/// exception out of the analyzer.
/// </summary>
internal static class PrivateKeyBlock
{
    /// <summary>Longest body parsed (a 16384-bit RSA key in PEM is about 13 KB; PGP rings with subkeys are larger).</summary>
    internal const int MaxBodyChars = 64 << 10;

    private static ReadOnlySpan<byte> OpenSshMagic => "openssh-key-v1\0"u8;

    private static readonly HashSet<string> OpenSshCiphers = new(StringComparer.Ordinal)
    {
        "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-cbc", "aes192-cbc", "aes256-cbc",
        "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com", "3des-cbc",
    };

    /// <summary>
    /// True when <paramref name="text"/> holds a complete block (the first <c>-----BEGIN … PRIVATE KEY…-----</c>
    /// to its matching END line) that parses as a private key. JSON-escaped line breaks (<c>\n</c>) are accepted.
    /// </summary>
    public static bool IsValid(string text)
    {
        try
        {
            return Parse(text);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A parser that throws has not found a key: malformed DER, bad base64, unknown algorithm, ...
            return false;
        }
    }

    private static bool Parse(string text)
    {
        var begin = text.IndexOf("-----BEGIN ", StringComparison.Ordinal);
        if (begin < 0) return false;
        var labelStart = begin + "-----BEGIN ".Length;
        var labelEnd = text.IndexOf("-----", labelStart, StringComparison.Ordinal);
        if (labelEnd < 0) return false;
        var label = text[labelStart..labelEnd];
        var endMarker = "-----END " + label + "-----";
        var end = text.IndexOf(endMarker, labelEnd, StringComparison.Ordinal);
        if (end < 0) return false;
        var inner = text.AsSpan(labelEnd + 5, end - labelEnd - 5);
        if (inner.Length > MaxBodyChars) return false;

        var lines = SplitLines(inner);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var body = new StringBuilder(inner.Length);
        var inHeaders = true;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                inHeaders = false;
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (inHeaders && colon > 0 && body.Length == 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
                continue;
            }

            inHeaders = false;
            body.Append(line);
        }

        return label switch
        {
            "PGP PRIVATE KEY BLOCK" => IsPgpSecretKey(text.AsSpan(begin, end + endMarker.Length - begin)),
            "OPENSSH PRIVATE KEY" => IsOpenSsh(Decode(body)),
            "RSA PRIVATE KEY" or "DSA PRIVATE KEY" or "EC PRIVATE KEY" when headers.TryGetValue("Proc-Type", out var proc) && proc.Contains("ENCRYPTED", StringComparison.OrdinalIgnoreCase)
                => IsLegacyEncrypted(Decode(body), headers),
            "RSA PRIVATE KEY" => IsRsa(Decode(body)),
            "EC PRIVATE KEY" => IsEc(Decode(body)),
            "DSA PRIVATE KEY" => IsDsa(Decode(body)),
            "PRIVATE KEY" => IsPkcs8(Decode(body)),
            "ENCRYPTED PRIVATE KEY" => IsEncryptedPkcs8(Decode(body)),
            _ => false,
        };
    }

    /// <summary>Lines of the block with whitespace trimmed; JSON/string escapes <c>\n</c> and <c>\r</c> count as line breaks.</summary>
    private static List<string> SplitLines(ReadOnlySpan<char> inner)
    {
        var normalized = inner.ToString().Replace("\\r", "\n", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal);
        var lines = new List<string>();
        foreach (var raw in normalized.Split('\n'))
        {
            var line = raw.Trim().TrimEnd('\\').Trim();
            lines.Add(line);
        }

        // Leading empty lines (the break after BEGIN) do not end the header section.
        while (lines.Count > 0 && lines[0].Length == 0) lines.RemoveAt(0);
        return lines;
    }

    private static byte[] Decode(StringBuilder body) => Convert.FromBase64String(body.ToString());

    private static bool IsRsa(byte[] der)
    {
        var key = RsaPrivateKeyStructure.GetInstance(FirstSequence(der));
        // The modulus must be the product of the primes: random or edited DER fails here.
        return key.Modulus.SignValue > 0 && key.Modulus.Equals(key.Prime1.Multiply(key.Prime2));
    }

    private static bool IsEc(byte[] der)
    {
        var key = ECPrivateKeyStructure.GetInstance(FirstSequence(der));
        return key.GetKey().SignValue > 0;
    }

    private static bool IsDsa(byte[] der)
    {
        var seq = FirstSequence(der);
        if (seq.Count != 6) return false;
        var v = new Org.BouncyCastle.Math.BigInteger[6];
        for (var i = 0; i < 6; i++) v[i] = DerInteger.GetInstance(seq[i]).Value;
        var (p, g, y, x) = (v[1], v[3], v[4], v[5]);
        if (p.BitLength > 4096 || p.SignValue <= 0 || x.SignValue <= 0) return false;
        // The public value must be g^x mod p.
        return g.ModPow(x, p).Equals(y);
    }

    /// <summary>
    /// The first DER object of <paramref name="der"/>, as a sequence. Bytes after it are ignored: keys
    /// written out after decryption keep their block padding (0x0A × 10 after an RSA key), and the
    /// structural checks below are what prove the key.
    /// </summary>
    private static Asn1Sequence FirstSequence(byte[] der)
    {
        using var input = new Asn1InputStream(der);
        return Asn1Sequence.GetInstance(input.ReadObject() ?? throw new FormatException("no DER object"));
    }

    private static bool IsPkcs8(byte[] der)
    {
        var info = PrivateKeyInfo.GetInstance(FirstSequence(der));
        var key = PrivateKeyFactory.CreateKey(info);
        return key is not null && key.IsPrivate;
    }

    private static bool IsEncryptedPkcs8(byte[] der)
    {
        var info = EncryptedPrivateKeyInfo.GetInstance(FirstSequence(der));
        var data = info.GetEncryptedData();
        // Ciphertext of a key is at least a block or two; the algorithm identifier must be present.
        return info.EncryptionAlgorithm?.Algorithm is not null && data.Length >= 32 && data.Length % 8 == 0;
    }

    private static bool IsLegacyEncrypted(byte[] data, Dictionary<string, string> headers)
    {
        // Proc-Type: 4,ENCRYPTED with DEK-Info: <cipher>,<iv hex>: we cannot decrypt, so check the
        // shape: a cipher and an IV, and ciphertext that is a whole number of cipher blocks.
        if (!headers.TryGetValue("DEK-Info", out var dek)) return false;
        var comma = dek.IndexOf(',', StringComparison.Ordinal);
        if (comma <= 0) return false;
        var iv = dek[(comma + 1)..];
        if (iv.Length < 16 || iv.Length % 2 != 0 || !iv.All(char.IsAsciiHexDigit)) return false;
        return data.Length >= 64 && data.Length % 8 == 0;
    }

    private static bool IsOpenSsh(byte[] blob)
    {
        if (!blob.AsSpan().StartsWith(OpenSshMagic)) return false;
        var at = OpenSshMagic.Length;
        var cipher = Encoding.ASCII.GetString(ReadString(blob, ref at));
        _ = ReadString(blob, ref at); // kdf name
        _ = ReadString(blob, ref at); // kdf options
        var keys = ReadUInt32(blob, ref at);
        if (keys is 0 or > 16) return false;
        var keyType = "";
        for (var i = 0; i < keys; i++)
        {
            var publicKey = ReadString(blob, ref at).ToArray();
            var type = 0;
            keyType = Encoding.ASCII.GetString(ReadString(publicKey, ref type));
            if (!IsOpenSshKeyType(keyType)) return false;
        }

        var section = ReadString(blob, ref at).ToArray();
        // AEAD ciphers append their 16-byte tag after the section.
        var tag = cipher.EndsWith("-gcm@openssh.com", StringComparison.Ordinal) || cipher == "chacha20-poly1305@openssh.com" ? 16 : 0;
        if (section.Length < 8 || blob.Length - at != tag) return false;
        if (cipher != "none")
        {
            // Encrypted: a known cipher and ciphertext in whole blocks.
            return OpenSshCiphers.Contains(cipher) && section.Length % 8 == 0;
        }

        // Unencrypted: the two check integers are equal and the first key names the public key's type;
        // BouncyCastle then parses the key material (it knows RSA, ECDSA and Ed25519, not DSA).
        var inner = 8;
        if (BinaryPrimitives.ReadUInt32BigEndian(section) != BinaryPrimitives.ReadUInt32BigEndian(section.AsSpan(4))) return false;
        if (Encoding.ASCII.GetString(ReadString(section, ref inner)) != keyType) return false;
        if (keyType == "ssh-dss") return true;
        var key = OpenSshPrivateKeyUtilities.ParsePrivateKeyBlob(blob);
        return key is not null && key.IsPrivate;
    }

    private static bool IsOpenSshKeyType(string type) =>
        type is "ssh-rsa" or "ssh-dss" or "ssh-ed25519" or "ssh-ed448"
        || type.StartsWith("ecdsa-sha2-", StringComparison.Ordinal)
        || type.StartsWith("sk-", StringComparison.Ordinal);

    private static ReadOnlySpan<byte> ReadString(byte[] blob, ref int at)
    {
        var length = ReadUInt32(blob, ref at);
        if (length > blob.Length - at) throw new FormatException("truncated OpenSSH key");
        var s = blob.AsSpan(at, (int)length);
        at += (int)length;
        return s;
    }

    private static uint ReadUInt32(byte[] blob, ref int at)
    {
        if (blob.Length - at < 4) throw new FormatException("truncated OpenSSH key");
        var v = BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(at, 4));
        at += 4;
        return v;
    }

    private static bool IsPgpSecretKey(ReadOnlySpan<char> armored)
    {
        // The armored text as the PGP tools read it (JSON escapes turned back into line breaks).
        var text = armored.ToString().Replace("\\r", "", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal);
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(text));
        using var armor = new ArmoredInputStream(stream);
        var factory = new PgpObjectFactory(armor);
        var found = false;
        for (var i = 0; i < 64; i++)
        {
            var o = factory.NextPgpObject();
            if (o is null) break;
            if (o is PgpSecretKeyRing ring && ring.GetSecretKey() is not null) found = true;
        }

        // ArmoredInputStream checks the CRC-24 line at the end; reading to the end makes it do so.
        Span<byte> rest = stackalloc byte[256];
        while (armor.Read(rest) > 0)
        {
        }

        return found;
    }
}
