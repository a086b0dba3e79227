using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Analysis.Signing.Provenance;

/// <summary>
/// The OpenPGP face of a platform ECDSA P-256 key, built from an <see cref="ISigner"/> alone (so a KMS or HSM key works):
/// a v4 public key packet (ECDSA, NIST P-256) with a fixed creation time, a user id and a positive-certification
/// self-signature, exported as a legacy binary public keyring (what <c>helm verify --keyring</c> and <c>gpg --import</c>
/// read), and clear-signed Helm provenance made with <see cref="ISigner.SignDigest"/>. The fingerprint depends on the
/// creation time, so callers pass the key's stored creation time, never "now".
/// </summary>
/// <remarks>
/// The packets are written here (RFC 4880 §5.2.3, §5.5.2, §12.2; RFC 6637 for ECDSA) rather than by BouncyCastle's
/// generators, because those need the private key in process. ECDSA over a hash longer than the curve signs its leftmost
/// 256 bits (RFC 6637 §13, FIPS 186-4 §6.4), which is exactly <see cref="ISigner.SignDigest"/> of the first 32 bytes:
/// certifications hash with SHA-256, the .prov with SHA-512 (<c>Hash: SHA512</c>, as <c>helm package --sign</c>).
/// </remarks>
public static class OpenPgpKey
{
    /// <summary>The longest user id accepted (UTF-8 bytes).</summary>
    public const int MaxUserIdBytes = 1024;

    const byte Version4 = 4;
    const byte EcdsaAlgorithm = 19;
    const byte Sha256Algorithm = 8;
    const byte Sha512Algorithm = 10;
    const byte PositiveCertification = 0x13;
    const byte CanonicalTextDocument = 0x01;
    // OID 1.2.840.10045.3.1.7 (NIST P-256) without its DER tag and length (RFC 6637 §11).
    static readonly byte[] P256Oid = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

    /// <summary>
    /// The public keyring (binary, <c>pubring.gpg</c>) of <paramref name="signer"/>'s key: public key packet, user id packet,
    /// positive certification (key flags certify+sign, preferred hashes SHA-512 and SHA-256, issuer fingerprint).
    /// Keyrings of several keys are the concatenation of these bytes.
    /// </summary>
    public static byte[] PublicKeyring(ISigner signer, DateTimeOffset created, string userId)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(userId);
        var uid = Encoding.UTF8.GetBytes(userId);
        if (uid.Length == 0 || uid.Length > MaxUserIdBytes || userId.Any(char.IsControl))
            throw new ArgumentException($"the OpenPGP user id must be 1 to {MaxUserIdBytes} bytes without control characters", nameof(userId));
        var body = PublicKeyBody(signer.PublicKey, created);
        var fingerprint = FingerprintBytes(body);

        var hashed = new MemoryStream();
        Subpacket(hashed, 2, Seconds(created));                       // signature creation time: the key's, so the ring is stable
        Subpacket(hashed, 27, [0x03]);                                 // key flags: certify, sign
        Subpacket(hashed, 21, [Sha512Algorithm, Sha256Algorithm]);     // preferred hash algorithms
        Subpacket(hashed, 33, [Version4, .. fingerprint]);            // issuer fingerprint

        // RFC 4880 §5.2.4: certifications hash the key (0x99, 2-byte length, body) and the user id (0xB4, 4-byte length, id).
        var prefix = new MemoryStream();
        prefix.WriteByte(0x99);
        WriteUInt16(prefix, body.Length);
        prefix.Write(body);
        prefix.WriteByte(0xB4);
        WriteUInt32(prefix, uid.Length);
        prefix.Write(uid);
        var signature = SignaturePacket(signer, PositiveCertification, Sha256Algorithm, hashed.ToArray(), fingerprint, prefix.ToArray());

        var ring = new MemoryStream();
        Packet(ring, 6, body);
        Packet(ring, 13, uid);
        ring.Write(signature);
        return ring.ToArray();
    }

    /// <summary>The OpenPGP v4 fingerprint (40 hex digits, upper case) of <paramref name="signer"/>'s key.</summary>
    public static string Fingerprint(ISigner signer, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(signer);
        return Fingerprint(signer.PublicKey, created);
    }

    /// <summary>The OpenPGP v4 fingerprint (40 hex digits, upper case) of a public key created at <paramref name="created"/> (no signer needed).</summary>
    public static string Fingerprint(PublicKey key, DateTimeOffset created) =>
        Convert.ToHexString(FingerprintBytes(PublicKeyBody(key, created)));

    /// <summary>The OpenPGP key id (16 hex digits, upper case: the fingerprint's last 8 bytes), as <c>helm verify</c> and gpg print it.</summary>
    public static string LongKeyId(ISigner signer, DateTimeOffset created) => Fingerprint(signer, created)[24..];

    /// <summary>
    /// A Helm <c>.prov</c> for a chart, signed by <paramref name="signer"/> (SHA-512, as <c>helm package --sign</c>), stamped
    /// with the key's creation time as the signature time. Prefer the overload with the real signing time.
    /// </summary>
    public static string SignProvenance(ISigner signer, DateTimeOffset created, byte[] chartTgz, string chartFileName, string chartYamlText) =>
        SignProvenance(signer, created, created, chartTgz, chartFileName, chartYamlText);

    /// <summary>
    /// A Helm <c>.prov</c> for a chart, signed by <paramref name="signer"/> (SHA-512, as <c>helm package --sign</c>) at
    /// <paramref name="signedAt"/> (from the caller's TimeProvider; not before <paramref name="created"/>, since verifiers
    /// refuse a signature older than its key).
    /// </summary>
    public static string SignProvenance(ISigner signer, DateTimeOffset created, DateTimeOffset signedAt, byte[] chartTgz, string chartFileName, string chartYamlText)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(chartTgz);
        if (signedAt.ToUnixTimeSeconds() < created.ToUnixTimeSeconds())
            throw new ArgumentOutOfRangeException(nameof(signedAt), "the signature time is before the key's creation time");
        var lines = HelmProvenance.BodyLines(HelmProvenance.Body(chartTgz, chartFileName, chartYamlText));
        var fingerprint = FingerprintBytes(PublicKeyBody(signer.PublicKey, created));

        var hashed = new MemoryStream();
        Subpacket(hashed, 2, Seconds(signedAt));
        Subpacket(hashed, 33, [Version4, .. fingerprint]);
        var text = Encoding.UTF8.GetBytes(HelmProvenance.Canonical(lines));
        var signature = SignaturePacket(signer, CanonicalTextDocument, Sha512Algorithm, hashed.ToArray(), fingerprint, text);
        return HelmProvenance.ClearSigned(lines, signature);
    }

    // RFC 4880 §5.5.2 (v4) with RFC 6637 §9: version, creation time, algorithm 19, curve OID, the point as an MPI.
    static byte[] PublicKeyBody(PublicKey key, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(key);
        var seconds = created.ToUnixTimeSeconds();
        if (seconds is < 0 or > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(created), "OpenPGP creation times are 1970 to 2106");
        using var ec = ECDsa.Create();
        ec.ImportSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _);
        var q = ec.ExportParameters(false).Q;
        var body = new MemoryStream();
        body.WriteByte(Version4);
        body.Write(Seconds(created));
        body.WriteByte(EcdsaAlgorithm);
        body.WriteByte((byte)P256Oid.Length);
        body.Write(P256Oid);
        Mpi(body, [0x04, .. q.X!, .. q.Y!]);
        return body.ToArray();
    }

    static byte[] FingerprintBytes(byte[] publicKeyBody)
    {
        var input = new byte[3 + publicKeyBody.Length];
        input[0] = 0x99;
        BinaryPrimitives.WriteUInt16BigEndian(input.AsSpan(1), (ushort)publicKeyBody.Length);
        publicKeyBody.CopyTo(input, 3);
#pragma warning disable CA5350 // SHA-1 is what OpenPGP v4 fingerprints are (RFC 4880 §12.2); it names the key, it does not protect it.
        return SHA1.HashData(input);
#pragma warning restore CA5350
    }

    // A v4 signature packet (RFC 4880 §5.2.3): hashed over prefix, then the signature's own fields up to the hashed
    // subpackets, then the trailer 0x04 0xFF and that length. The unhashed area carries the issuer key id for older readers.
    static byte[] SignaturePacket(ISigner signer, byte type, byte hashAlgorithm, byte[] hashedSubpackets, byte[] fingerprint, byte[] prefix)
    {
        var head = new MemoryStream();
        head.WriteByte(Version4);
        head.WriteByte(type);
        head.WriteByte(EcdsaAlgorithm);
        head.WriteByte(hashAlgorithm);
        WriteUInt16(head, hashedSubpackets.Length);
        head.Write(hashedSubpackets);
        var signed = head.ToArray();

        using var hash = IncrementalHash.CreateHash(hashAlgorithm == Sha512Algorithm ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);
        hash.AppendData(prefix);
        hash.AppendData(signed);
        var trailer = new byte[6];
        trailer[0] = Version4;
        trailer[1] = 0xFF;
        BinaryPrimitives.WriteUInt32BigEndian(trailer.AsSpan(2), (uint)signed.Length);
        hash.AppendData(trailer);
        var digest = hash.GetHashAndReset();

        // ECDSA on P-256 uses the leftmost 256 bits of a longer hash: SignDigest of the first 32 bytes is that signature.
        var der = signer.SignDigest(digest.AsSpan(0, 32));
        if (!signer.PublicKey.VerifyDigest(digest.AsSpan(0, 32), der))
            throw new CryptographicException($"signer {signer.KeyId} returned a signature its public key does not verify");
        var (r, s) = ReadDer(der);

        var unhashed = new MemoryStream();
        Subpacket(unhashed, 16, fingerprint[12..]);                    // issuer key id
        var body = new MemoryStream();
        body.Write(signed);
        WriteUInt16(body, (int)unhashed.Length);
        body.Write(unhashed.ToArray());
        body.Write(digest.AsSpan(0, 2));
        Mpi(body, r);
        Mpi(body, s);
        var packet = new MemoryStream();
        Packet(packet, 2, body.ToArray());
        return packet.ToArray();
    }

    static (byte[] R, byte[] S) ReadDer(byte[] der)
    {
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            var sequence = reader.ReadSequence();
            var r = sequence.ReadIntegerBytes().ToArray();
            var s = sequence.ReadIntegerBytes().ToArray();
            sequence.ThrowIfNotEmpty();
            reader.ThrowIfNotEmpty();
            return (r, s);
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException("the signer returned a signature that is not DER ECDSA", e);
        }
    }

    // RFC 4880 §3.2: bit count (2 bytes) then the big-endian value without leading zero bytes.
    static void Mpi(Stream output, ReadOnlySpan<byte> value)
    {
        while (value.Length > 0 && value[0] == 0) value = value[1..];
        var bits = value.Length == 0 ? 0 : (value.Length - 1) * 8 + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)value[0]));
        WriteUInt16(output, bits);
        output.Write(value);
    }

    // Old-format packet header (RFC 4880 §4.2.1), as gpg --export writes keys.
    static void Packet(Stream output, int tag, byte[] body)
    {
        if (body.Length < 256) { output.WriteByte((byte)(0x80 | (tag << 2))); output.WriteByte((byte)body.Length); }
        else if (body.Length < 65536) { output.WriteByte((byte)(0x80 | (tag << 2) | 1)); WriteUInt16(output, body.Length); }
        else { output.WriteByte((byte)(0x80 | (tag << 2) | 2)); WriteUInt32(output, body.Length); }
        output.Write(body);
    }

    // Subpacket (RFC 4880 §5.2.3.1); every one here is shorter than 192 bytes, so its length is one byte.
    static void Subpacket(Stream output, byte type, ReadOnlySpan<byte> data)
    {
        output.WriteByte((byte)(data.Length + 1));
        output.WriteByte(type);
        output.Write(data);
    }

    static byte[] Seconds(DateTimeOffset t)
    {
        var seconds = t.ToUnixTimeSeconds();
        if (seconds is < 0 or > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(t), "OpenPGP times are 1970 to 2106");
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)seconds);
        return bytes;
    }

    static void WriteUInt16(Stream output, int value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, checked((ushort)value));
        output.Write(b);
    }

    static void WriteUInt32(Stream output, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, checked((uint)value));
        output.Write(b);
    }
}
