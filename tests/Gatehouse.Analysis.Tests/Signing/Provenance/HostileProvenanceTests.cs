using System.Security.Cryptography;
using System.Text;
using Gatehouse.Analysis.Signing.Provenance;
using Gatehouse.Fuzz;

namespace Gatehouse.Analysis.Tests.Signing.Provenance;

/// <summary>
/// Hostile .prov files afl is unlikely to build (docs/fuzzing.md): the body is signed with the fuzzing key
/// (<see cref="SigningKeys"/>), as a vendor's own key would sign it, so each reaches the part of the reader it attacks.
/// Each ends in <see cref="HelmProvenance.Verify"/>'s documented result, quickly and without throwing.
/// </summary>
public sealed class HostileProvenanceTests
{
    const string ChartYaml = SigningHarness.ChartYaml;
    const string File = SigningHarness.ChartFile;
    static readonly byte[] Chart = SigningHarness.Chart;
    static string Digest => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Chart));

    static ProvenanceVerification Verify(string prov) => HelmProvenance.Verify(prov, Chart, File, SigningKeys.Keyring);

    static ProvenanceVerification VerifyBody(string body) => Verify(SigningKeys.ClearSign(body));

    static string GoodProv => SigningKeys.ClearSign(HelmProvenance.Body(Chart, File, ChartYaml));

    [Fact]
    public void The_fuzzing_key_signs_a_prov_that_verifies()
    {
        var result = Verify(GoodProv);

        Assert.True(result.Valid, result.Detail);
    }

    [Fact]
    public void A_deeply_nested_file_digest_section_is_malformed_not_a_stack_overflow()
    {
        // YamlStream loaded nesting recursively: 100,000 open brackets ran past the fuzzers' 10 s hang limit.
        var result = VerifyBody(ChartYaml + "\n...\nfiles: " + new string('[', 100_000) + "\n");

        Assert.Equal(ProvenanceErrors.Malformed, result.Error);
    }

    [Fact]
    public void Deep_block_nesting_is_malformed()
    {
        var nested = new StringBuilder("files:\n");
        for (var i = 1; i < 200; i++) nested.Append(' ', i).Append("a:\n");
        var result = VerifyBody(ChartYaml + "\n...\n" + nested);

        Assert.Equal(ProvenanceErrors.Malformed, result.Error);
    }

    [Fact]
    public void Anchors_and_aliases_billion_laughs_are_malformed()
    {
        var bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (var c = 'b'; c <= 'j'; c++) bomb.Append(c).Append(": &").Append(c).Append(" [").AppendJoin(", ", Enumerable.Repeat("*" + (char)(c - 1), 10)).Append("]\n");
        // The bomb as a complex key too: YamlMappingNode hashed keys node by node, exponentially.
        bomb.Append("? *j\n: x\nfiles:\n  ").Append(File).Append(": ").Append(Digest).Append('\n');

        var result = VerifyBody(ChartYaml + "\n...\n" + bomb);

        Assert.Equal(ProvenanceErrors.Malformed, result.Error);
        Assert.Contains("not allowed", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_for_the_digest_is_refused_even_when_it_names_the_right_digest()
    {
        var result = VerifyBody(ChartYaml + "\n...\nd: &d " + Digest + "\nfiles:\n  " + File + ": *d\n");

        Assert.Equal(ProvenanceErrors.Malformed, result.Error);
    }

    [Fact]
    public void Duplicate_file_entries_are_malformed_not_first_or_last_wins()
    {
        var result = VerifyBody(ChartYaml + "\n...\nfiles:\n  " + File + ": sha256:" + new string('0', 64) + "\n  " + File + ": " + Digest + "\n");

        Assert.Equal(ProvenanceErrors.Malformed, result.Error);
    }

    [Fact]
    public void Broken_yaml_in_the_digests_is_malformed()
    {
        foreach (var broken in (string[])["files: { a: b\n\nc", "files:\n\t x: y\n", "files: !!binary AAAA\n", "files: {}\n---\nfiles: {}\n"])
            Assert.True(VerifyBody(ChartYaml + "\n...\n" + broken).Error == ProvenanceErrors.Malformed, broken);
    }

    [Fact]
    public void No_signature_block_is_malformed()
    {
        var prov = GoodProv;
        var result = Verify(prov[..prov.IndexOf("-----BEGIN PGP SIGNATURE-----", StringComparison.Ordinal)]);

        Assert.Equal(ProvenanceErrors.Malformed, result.Error);
        Assert.Contains("no signature block", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_signature_block_or_signed_message_after_the_first_is_malformed()
    {
        var prov = GoodProv;
        var block = prov[prov.IndexOf("-----BEGIN PGP SIGNATURE-----", StringComparison.Ordinal)..];

        Assert.Equal(ProvenanceErrors.Malformed, Verify(prov + block).Error);
        Assert.Equal(ProvenanceErrors.Malformed, Verify(prov + "\n" + SigningKeys.ClearSign(HelmProvenance.Body(Chart, File, "name: other\n"))).Error);
        Assert.Equal("text follows the signature block", Verify(prov + "files:\n  " + File + ": " + Digest + "\n").Detail);
    }

    [Fact]
    public void Two_signatures_in_one_block_are_malformed()
    {
        var prov = GoodProv;
        var start = prov.IndexOf("-----BEGIN PGP SIGNATURE-----", StringComparison.Ordinal);
        var packet = Dearmor(prov[start..]);

        var result = Verify(prov[..start] + Armor([.. packet, .. packet]));

        Assert.Equal(ProvenanceErrors.Malformed, result.Error);
    }

    [Fact]
    public void Dash_escaping_tricks_do_not_move_the_signed_text()
    {
        // A body line that is the signature's armor line is dash-escaped by the signer and stays text.
        var prov = SigningKeys.ClearSign("name: demo\n-----BEGIN PGP SIGNATURE-----\n...\nfiles:\n  " + File + ": " + Digest + "\n");
        Assert.Contains("\n- -----BEGIN PGP SIGNATURE-----\n", prov, StringComparison.Ordinal);
        Assert.True(Verify(prov).Valid, Verify(prov).Detail);
        // Removing that escape ends the text early: what follows is no signature block.
        Assert.Equal(ProvenanceErrors.Malformed, Verify(prov.Replace("\n- -----BEGIN", "\n-----BEGIN", StringComparison.Ordinal)).Error);
        // A text line starting with "-" that is not escaped is refused (RFC 4880 §7.1).
        var dashed = SigningKeys.ClearSign("name: demo\n-x\n...\nfiles:\n  " + File + ": " + Digest + "\n");
        Assert.True(Verify(dashed).Valid);
        Assert.Equal(ProvenanceErrors.Malformed, Verify(dashed.Replace("\n- -x\n", "\n-x\n", StringComparison.Ordinal)).Error);
        // An escape on a line that needs none is removed: the same signed text, so it verifies, and means the same.
        Assert.True(Verify(GoodProv.Replace("\nfiles:\n", "\n- files:\n", StringComparison.Ordinal)).Valid);
        Assert.True(Verify(GoodProv.Replace("\n...\n", "\n- ...\n", StringComparison.Ordinal)).Valid);
        // An extra line added through an escape is text the signature does not cover.
        Assert.Equal(ProvenanceErrors.BadSignature, Verify(GoodProv.Replace("\nfiles:\n", "\n- x: y\nfiles:\n", StringComparison.Ordinal)).Error);
    }

    [Fact]
    public void A_hash_header_that_does_not_name_the_signatures_hash_is_malformed()
    {
        var result = Verify(GoodProv.Replace("Hash: SHA512", "Hash: SHA256", StringComparison.Ordinal));

        Assert.Equal(ProvenanceErrors.Malformed, result.Error);
    }

    [Fact]
    public void A_huge_signature_block_is_refused_within_the_size_bound()
    {
        var prov = GoodProv;
        var start = prov.IndexOf("-----BEGIN PGP SIGNATURE-----", StringComparison.Ordinal);
        var base64 = string.Join('\n', Enumerable.Repeat(new string('A', 64), 15_000));
        var huge = prov[..start] + "-----BEGIN PGP SIGNATURE-----\n\n" + base64 + "\n-----END PGP SIGNATURE-----\n";

        Assert.True(huge.Length < HelmProvenance.MaxProvenanceBytes);
        Assert.Equal(ProvenanceErrors.Malformed, Verify(huge).Error);
        Assert.Equal(ProvenanceErrors.Oversized, Verify(huge + new string('\n', HelmProvenance.MaxProvenanceBytes)).Error);
    }

    // Old-format packet header (RFC 4880 §4.2.1): one tag byte, then 1, 2 or 4 length bytes; the version follows.
    static int VersionOffset(byte[] packet) => 1 + (packet[0] & 3) switch { 0 => 1, 1 => 2, _ => 4 };

    static byte[] Dearmor(string armor)
    {
        using var input = Org.BouncyCastle.Bcpg.OpenPgp.PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.ASCII.GetBytes(armor)));
        using var packet = new MemoryStream();
        input.CopyTo(packet);
        return packet.ToArray();
    }

    static string Armor(byte[] packets)
    {
        using var output = new MemoryStream();
        using (var armored = new Org.BouncyCastle.Bcpg.ArmoredOutputStream(output)) armored.Write(packets);
        return Encoding.ASCII.GetString(output.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(8)]
    public void A_keyring_whose_key_packet_has_an_unknown_version_is_malformed(byte version)
    {
        // Found by the pgp-keyring fuzzer: BouncyCastle's UnsupportedPacketVersionException is no PgpException or IOException.
        var ring = SigningKeys.KeyringBytes;
        ring[VersionOffset(ring)] = version;

        var e = Assert.Throws<InvalidDataException>(() => HelmProvenance.ReadPublicKeyring(ring));
        Assert.StartsWith(ProvenanceErrors.Malformed, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(21)]
    public void A_signature_packet_with_an_unknown_version_is_malformed(byte version)
    {
        var prov = GoodProv;
        var start = prov.IndexOf("-----BEGIN PGP SIGNATURE-----", StringComparison.Ordinal);
        var packet = Dearmor(prov[start..]);
        packet[VersionOffset(packet)] = version;

        var result = Verify(prov[..start] + Armor(packet));

        Assert.False(result.Valid);
        Assert.Equal(ProvenanceErrors.Malformed, result.Error);
    }

    [Fact]
    public void A_keyring_of_garbage_or_nothing_is_malformed()
    {
        foreach (var ring in (byte[][])[[], [0x99], [0x99, 0xFF, 0xFF], Encoding.ASCII.GetBytes("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n====\n-----END PGP PUBLIC KEY BLOCK-----\n")])
        {
            var e = Assert.Throws<InvalidDataException>(() => HelmProvenance.ReadPublicKeyring(ring));
            Assert.StartsWith(ProvenanceErrors.Malformed, e.Message, StringComparison.Ordinal);
        }
    }
}
