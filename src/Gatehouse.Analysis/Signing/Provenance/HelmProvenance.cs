using System.Security.Cryptography;
using System.Text;
using Gatehouse.Analysis.Requirements;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace Gatehouse.Analysis.Signing.Provenance;

/// <summary>Stable reasons why a Helm provenance file is refused.</summary>
public static class ProvenanceErrors
{
    /// <summary>The .prov is not a clear-signed message with a Helm body, or the keyring cannot be read.</summary>
    public const string Malformed = "prov.malformed";
    /// <summary>The .prov (or the keyring) is larger than Gatehouse reads.</summary>
    public const string Oversized = "prov.oversized";
    /// <summary>The signature was made by a key that is not in the keyring.</summary>
    public const string UnknownKey = "prov.unknown-key";
    /// <summary>The signature does not match the signed text under the key it names.</summary>
    public const string BadSignature = "prov.bad-signature";
    /// <summary>The body names no digest for this chart file.</summary>
    public const string FileMissing = "prov.file-missing";
    /// <summary>The chart archive's SHA-256 is not the one the body names.</summary>
    public const string DigestMismatch = "prov.digest-mismatch";
}

/// <summary>The outcome of <see cref="HelmProvenance.Verify"/>: valid, or the stable reason (<see cref="ProvenanceErrors"/>) and a detail.</summary>
public sealed record ProvenanceVerification(bool Valid, string? Error, string? Detail, string? KeyId, string? Body)
{
    internal static ProvenanceVerification Fail(string error, string detail, string? keyId = null) => new(false, error, detail, keyId, null);
}

/// <summary>
/// Helm provenance files (<c>NAME-VERSION.tgz.prov</c>): an OpenPGP clear-signed message (Hash: SHA512) whose body is the
/// chart's Chart.yaml, the YAML end marker <c>...</c>, and <c>files: {NAME-VERSION.tgz: sha256:HEX}</c>, as Helm's
/// pkg/provenance writes and <c>helm verify</c> checks it (notes §4.3).
/// </summary>
public static class HelmProvenance
{
    /// <summary>The largest .prov read (Helm's own are a few KiB; Chart.yaml is small).</summary>
    public const int MaxProvenanceBytes = 1 << 20;
    /// <summary>The largest keyring read.</summary>
    public const int MaxKeyringBytes = 4 << 20;

    const string BeginSigned = "-----BEGIN PGP SIGNED MESSAGE-----";
    const string BeginSignature = "-----BEGIN PGP SIGNATURE-----";
    const string EndSignature = "-----END PGP SIGNATURE-----";

    /// <summary>The body Helm signs: Chart.yaml, <c>...</c>, and the chart archive's SHA-256 under <c>files</c>.</summary>
    public static string Body(ReadOnlySpan<byte> chartTgz, string chartFileName, string chartYamlText)
    {
        ArgumentNullException.ThrowIfNull(chartYamlText);
        var name = Path.GetFileName(chartFileName);
        if (string.IsNullOrEmpty(name) || name != chartFileName || name.Any(c => char.IsControl(c) || c == ':' || c == '"' || c == '\'' || c == '#') || name.StartsWith(' ') || name.EndsWith(' '))
            throw new ArgumentException("the chart file name must be a plain base name (NAME-VERSION.tgz)", nameof(chartFileName));
        var yaml = chartYamlText.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!yaml.EndsWith('\n')) yaml += "\n";
        // Helm splits the body at the first "\n...\n"; a Chart.yaml holding that marker would move the split.
        if (("\n" + yaml).Contains("\n...\n", StringComparison.Ordinal))
            throw new ArgumentException("Chart.yaml contains the YAML end marker '...'", nameof(chartYamlText));
        // yaml.Marshal of Chart.yaml ends with a newline and Helm then writes "\n...\n", hence the empty line.
        return yaml + "\n...\nfiles:\n  " + name + ": sha256:" + Convert.ToHexStringLower(SHA256.HashData(chartTgz)) + "\n";
    }

    /// <summary>Signs the body for a chart with <paramref name="secretKey"/> and returns the .prov text.</summary>
    public static string Create(byte[] chartTgz, string chartFileName, string chartYamlText, PgpSecretKey secretKey, char[]? passphrase = null)
    {
        ArgumentNullException.ThrowIfNull(chartTgz);
        ArgumentNullException.ThrowIfNull(secretKey);
        var body = Body(chartTgz, chartFileName, chartYamlText);
        var privateKey = secretKey.ExtractPrivateKey(passphrase ?? []);
        var generator = new PgpSignatureGenerator(secretKey.PublicKey.Algorithm, HashAlgorithmTag.Sha512);
        generator.InitSign(PgpSignature.CanonicalTextDocument, privateKey);
        var subpackets = new PgpSignatureSubpacketGenerator();
        subpackets.SetIssuerFingerprint(false, secretKey.PublicKey);
        generator.SetHashedSubpackets(subpackets.Generate());
        var lines = BodyLines(body);
        generator.Update(Encoding.UTF8.GetBytes(Canonical(lines)));
        return ClearSigned(lines, generator.Generate().GetEncoded());
    }

    internal static string[] BodyLines(string body) => body.TrimEnd('\n').Split('\n');

    // The clear text is written here rather than by ArmoredOutputStream's clear-text mode, so that the dash-escaping
    // (RFC 4880 §7.1) is exactly once and the line ends are LF, as Helm writes them. signaturePacket: one encoded
    // SHA-512 signature packet over Canonical(lines).
    internal static string ClearSigned(IEnumerable<string> lines, byte[] signaturePacket)
    {
        var text = new StringBuilder(BeginSigned).Append("\nHash: SHA512\n\n");
        foreach (var line in lines)
            text.Append(line.StartsWith('-') ? "- " : "").Append(line).Append('\n');
        using var output = new MemoryStream();
        using (var armor = new ArmoredOutputStream(output))
            armor.Write(signaturePacket);
        return text.Append(Encoding.ASCII.GetString(output.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal)).ToString();
    }

    /// <summary>Reads a legacy binary (or armored) OpenPGP public keyring, as <c>gpg --export</c> writes it; <see cref="InvalidDataException"/> (prov.malformed, prov.oversized) when it cannot.</summary>
    public static PgpPublicKeyRingBundle ReadPublicKeyring(byte[] keyring)
    {
        ArgumentNullException.ThrowIfNull(keyring);
        if (keyring.Length > MaxKeyringBytes) throw new InvalidDataException($"{ProvenanceErrors.Oversized}: the keyring is larger than {MaxKeyringBytes} bytes");
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(keyring, writable: false));
            var bundle = new PgpPublicKeyRingBundle(input);
            return bundle.Count > 0 ? bundle : throw new InvalidDataException($"{ProvenanceErrors.Malformed}: the keyring holds no public key");
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            throw new InvalidDataException($"{ProvenanceErrors.Malformed}: the keyring cannot be read: {e.Message}", e);
        }
    }

    /// <summary>
    /// Checks a .prov against a chart archive: the clear-signed text's signature by a key in <paramref name="keyring"/>, then
    /// that the body names the archive's SHA-256 under its file name. Never throws for hostile input.
    /// </summary>
    public static ProvenanceVerification Verify(string provText, byte[] chartTgz, string chartFileName, PgpPublicKeyRingBundle keyring)
    {
        ArgumentNullException.ThrowIfNull(chartTgz);
        ArgumentNullException.ThrowIfNull(keyring);
        if (provText is null) return ProvenanceVerification.Fail(ProvenanceErrors.Malformed, "no provenance text");
        if (provText.Length > MaxProvenanceBytes) return ProvenanceVerification.Fail(ProvenanceErrors.Oversized, $"the provenance file is larger than {MaxProvenanceBytes} bytes");
        if (!TryParse(provText, out var lines, out var signatureArmor, out var hashes, out var why))
            return ProvenanceVerification.Fail(ProvenanceErrors.Malformed, why);

        PgpSignature signature;
        try
        {
            using var input = PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.ASCII.GetBytes(signatureArmor), writable: false));
            var factory = new PgpObjectFactory(input);
            var list = factory.NextPgpObject() as PgpSignatureList;
            if (list is null || list.Count != 1) return ProvenanceVerification.Fail(ProvenanceErrors.Malformed, "the signature block does not hold exactly one signature");
            signature = list[0];
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            return ProvenanceVerification.Fail(ProvenanceErrors.Malformed, "the signature block cannot be read: " + e.Message);
        }
        var keyId = signature.KeyId.ToString("X16", System.Globalization.CultureInfo.InvariantCulture);
        if (signature.SignatureType != PgpSignature.CanonicalTextDocument)
            return ProvenanceVerification.Fail(ProvenanceErrors.Malformed, "the signature is not over a canonical text document", keyId);
        if (hashes.Count > 0 && !hashes.Contains(HashName(signature.HashAlgorithm)))
            return ProvenanceVerification.Fail(ProvenanceErrors.Malformed, "the Hash header does not name the signature's hash", keyId);
        if (signature.HashAlgorithm is not (HashAlgorithmTag.Sha256 or HashAlgorithmTag.Sha384 or HashAlgorithmTag.Sha512))
            return ProvenanceVerification.Fail(ProvenanceErrors.BadSignature, $"hash algorithm {signature.HashAlgorithm} is not accepted", keyId);

        PgpPublicKey? key;
        try { key = keyring.GetPublicKey(signature.KeyId); }
        catch (PgpException) { key = null; }
        if (key is null) return ProvenanceVerification.Fail(ProvenanceErrors.UnknownKey, $"key {keyId} is not in the keyring", keyId);
        if (key.HasRevocation()) return ProvenanceVerification.Fail(ProvenanceErrors.UnknownKey, $"key {keyId} is revoked", keyId);

        try
        {
            signature.InitVerify(key);
            signature.Update(Encoding.UTF8.GetBytes(Canonical(lines)));
            if (!signature.Verify()) return ProvenanceVerification.Fail(ProvenanceErrors.BadSignature, $"the signature by {keyId} does not match the text", keyId);
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            return ProvenanceVerification.Fail(ProvenanceErrors.BadSignature, "the signature cannot be checked: " + e.Message, keyId);
        }

        var body = string.Join('\n', lines) + "\n";
        var split = body.IndexOf("\n...\n", StringComparison.Ordinal);
        if (split < 0) return ProvenanceVerification.Fail(ProvenanceErrors.Malformed, "the body has no '...' between Chart.yaml and the file digests", keyId);
        var name = Path.GetFileName(chartFileName ?? "");
        var expected = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(chartTgz));
        string? named;
        try { named = FileDigest(body[(split + 5)..], name); }
        catch (YamlDataException e)
        {
            return ProvenanceVerification.Fail(ProvenanceErrors.Malformed, "the file digests are not YAML: " + e.Message, keyId);
        }
        if (named is null) return ProvenanceVerification.Fail(ProvenanceErrors.FileMissing, $"the body names no digest for {name}", keyId);
        if (!string.Equals(named, expected, StringComparison.OrdinalIgnoreCase))
            return ProvenanceVerification.Fail(ProvenanceErrors.DigestMismatch, $"{name} is {expected}, the provenance says {named}", keyId);
        return new ProvenanceVerification(true, null, null, keyId, body);
    }

    // SafeYaml, not YamlStream: the signer's YAML is still hostile (a vendor's own key signs it). YamlStream loads nesting
    // recursively, keeps anchors and aliases (a complex key built from aliases is hashed exponentially: "billion laughs")
    // and throws more than YamlException; a flow sequence nested 100,000 deep and a billion-laughs key each ran over 10 s
    // (HostileProvenanceTests, docs/fuzzing.md). Helm writes a plain two-level mapping; SafeYaml reads
    // exactly that (one document, depth 16, no anchors, aliases or tags, no duplicate keys) and throws YamlDataException.
    static string? FileDigest(string yaml, string name)
    {
        if (SafeYaml.Parse(yaml, MaxProvenanceBytes) is not YamlMapping root) return null;
        if (root.Entries.FirstOrDefault(e => e.Key == "files").Value is not YamlMapping files) return null;
        return files.Entries.FirstOrDefault(e => e.Key == name).Value is YamlScalar digest ? digest.Text : null;
    }

    // RFC 4880 §7: the cleartext between the armor headers' blank line and the signature, dash-escapes removed; the
    // line break just before the signature belongs to the armor, not to the text.
    static bool TryParse(string text, out List<string> lines, out string signatureArmor, out HashSet<string> hashes, out string why)
    {
        lines = []; signatureArmor = ""; hashes = []; why = "";
        var all = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var i = 0;
        while (i < all.Length && all[i].Trim().Length == 0) i++;
        if (i >= all.Length || all[i].TrimEnd() != BeginSigned) { why = "not a clear-signed OpenPGP message"; return false; }
        for (i++; i < all.Length && all[i].TrimEnd().Length > 0; i++)
        {
            var header = all[i];
            if (!header.StartsWith("Hash:", StringComparison.Ordinal)) { why = "unknown armor header in the signed message"; return false; }
            foreach (var h in header[5..].Split(',')) hashes.Add(h.Trim().ToUpperInvariant());
        }
        if (i >= all.Length) { why = "the signed message has no text"; return false; }
        for (i++; i < all.Length && all[i].TrimEnd() != BeginSignature; i++)
        {
            var line = all[i];
            if (line.StartsWith("- ", StringComparison.Ordinal)) line = line[2..];
            else if (line.StartsWith('-')) { why = "a text line starting with '-' is not dash-escaped"; return false; }
            lines.Add(line);
        }
        if (i >= all.Length) { why = "the signed message has no signature block"; return false; }
        var end = Array.FindIndex(all, i, l => l.TrimEnd() == EndSignature);
        if (end < 0) { why = "the signature block is not closed"; return false; }
        // Nothing may follow the one signature block: a second block (or a second signed message) would be a text or a
        // signature that this check never looked at but another reader might (fail closed, as for a second signature).
        if (Array.FindIndex(all, end + 1, l => l.Trim().Length > 0) >= 0) { why = "text follows the signature block"; return false; }
        signatureArmor = string.Join('\n', all[i..(end + 1)]) + "\n";
        return true;
    }

    // What BouncyCastle throws for OpenPGP data it cannot read. UnsupportedPacketVersionException (a packet version, AEAD
    // or S2K type it does not know) is no PgpException or IOException: it escaped both readers until the pgp-keyring
    // fuzzer found it (docs/fuzzing.md).
    static bool IsUnreadable(Exception e) =>
        e is IOException or PgpException or UnsupportedPacketVersionException or ArgumentException or InvalidOperationException or FormatException;

    // The signed form of a text document: trailing spaces and tabs removed, lines joined by CRLF, no final line break.
    internal static string Canonical(IEnumerable<string> lines) => string.Join("\r\n", lines.Select(l => l.TrimEnd(' ', '\t', '\r')));

    static string HashName(HashAlgorithmTag tag) => tag switch
    {
        HashAlgorithmTag.Sha256 => "SHA256",
        HashAlgorithmTag.Sha384 => "SHA384",
        HashAlgorithmTag.Sha512 => "SHA512",
        HashAlgorithmTag.Sha1 => "SHA1",
        _ => tag.ToString().ToUpperInvariant(),
    };
}
