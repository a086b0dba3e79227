using System.Text;
using Gatehouse.Analysis.Analyzers.Secrets;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Tests.Analyzers.Secrets;

/// <summary>
/// Issue 15: rules verify before they accuse (keys parse, checksums match, placeholders and
/// identifiers are not secrets), and context lowers what is not verified but never hides what is.
/// </summary>
public sealed class SecretVerificationTests
{
    public static TheoryData<SecretSample> Samples => SecretSamples.Theory();

    private static List<Finding> AtLeastMedium(IEnumerable<Finding> findings) => [.. findings.Where(f => f.Severity >= Severity.Medium)];

    // ---- one negative per rule

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Each_rule_stays_quiet_when_its_secret_is_a_placeholder(SecretSample sample)
    {
        var placeholder = new string('x', sample.Secret.Length);

        var findings = await SecretScanner.ScanAsync(sample.Content.Replace(sample.Secret, placeholder, StringComparison.Ordinal), sample.Path);

        Assert.DoesNotContain(findings, f => f.RuleId == sample.RuleId);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Each_sample_in_its_realistic_file_keeps_its_rule_severity(SecretSample sample)
    {
        var findings = await SecretScanner.ScanAsync(sample.Content, sample.Path);

        var f = Assert.Single(findings, x => x.RuleId == sample.RuleId);
        Assert.Equal(SecretsAnalyzer.AllRules.Single(r => r.Id == sample.RuleId).DefaultSeverity, f.Severity);
    }

    // ---- checksums

    [Fact]
    public void Crc32_and_base62_give_the_published_values()
    {
        Assert.Equal(0xCBF43926u, GatehouseApiKeyFormat.Crc32("123456789"u8));
        Assert.Equal("000000", TokenChecksums.Base62(0, 6));
        Assert.Equal("z", TokenChecksums.Base62(61, 1));
        Assert.Equal("000010", TokenChecksums.Base62(62, 6));
    }

    [Theory]
    [InlineData("gh" + "p_", "secret.github-pat")]
    [InlineData("gh" + "o_", "secret.github-oauth-token")]
    [InlineData("gh" + "u_", "secret.github-user-to-server-token")]
    [InlineData("gh" + "s_", "secret.github-server-to-server-token")]
    [InlineData("gh" + "r_", "secret.github-refresh-token")]
    [InlineData("np" + "m_", "secret.npm-token")]
    public async Task A_token_with_a_valid_checksum_is_verified_and_a_typo_is_not_a_token(string prefix, string rule)
    {
        var token = TestKeys.Crc32Token(prefix, "verify-" + rule);

        var f = Assert.Single(await SecretScanner.ScanAsync("TOKEN=" + token + "\n", "ci/.env"));
        Assert.Equal(rule, f.RuleId);
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Contains("verified: checksum valid", f.Message, StringComparison.Ordinal);

        Assert.Empty(await SecretScanner.ScanAsync("TOKEN=" + TestKeys.WithTypo(token) + "\n", "ci/.env"));
    }

    [Fact]
    public async Task A_pypi_token_that_decodes_to_its_macaroon_is_verified_and_one_that_does_not_is_not()
    {
        var token = TestKeys.PyPi("decodes");
        var f = Assert.Single(await SecretScanner.ScanAsync("password = " + token + "\n", ".pypirc"));
        Assert.Equal("secret.pypi-token", f.RuleId);
        Assert.Contains("verified: the token decodes", f.Message, StringComparison.Ordinal);

        // The prefix alone is distinctive enough to report (a mangled real token), unverified.
        var random = "pypi" + "-AgEIcHlwaS5vcmc" + Fake.UrlSafe(70, "random-macaroon");
        var g = Assert.Single(await SecretScanner.ScanAsync("password = " + random + "\n", ".pypirc"));
        Assert.DoesNotContain("verified:", g.Message, StringComparison.Ordinal);
        Assert.Equal(Severity.Critical, g.Severity);
    }

    [Fact]
    public async Task An_aws_key_id_with_digits_outside_base32_is_not_a_key_id()
    {
        var lookalike = "AK" + "IA" + Fake.Chars(Fake.Base32, 15, "not-base32") + "0";

        Assert.Empty(await SecretScanner.ScanAsync("id = " + lookalike + "\n", "config.ini"));
    }

    [Fact]
    public async Task The_documented_stripe_example_key_is_not_reported()
    {
        Assert.Empty(await SecretScanner.ScanAsync("Stripe.api_key = '" + "sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc'\n", "server/pay.rb"));
    }

    // ---- private keys

    public static TheoryData<string> KeyKinds => ["rsa-pkcs1", "rsa-pkcs8", "rsa-encrypted-pkcs8", "ec", "openssh", "dsa", "pgp"];

    private static string Key(string kind) => kind switch
    {
        "rsa-pkcs1" => TestKeys.RsaPkcs1,
        "rsa-pkcs8" => TestKeys.RsaPkcs8,
        "rsa-encrypted-pkcs8" => TestKeys.RsaEncryptedPkcs8,
        "ec" => TestKeys.Ec,
        "openssh" => TestKeys.OpenSsh,
        "dsa" => TestKeys.Dsa,
        _ => TestKeys.Pgp,
    };

    [Theory]
    [MemberData(nameof(KeyKinds))]
    public async Task A_generated_key_is_verified_and_its_truncated_copy_is_not_a_key(string kind)
    {
        var pem = Key(kind);

        var f = Assert.Single(await SecretScanner.ScanAsync(pem + "\n", "keys/key.pem"));
        Assert.Equal("secret.private-key", f.RuleId);
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Contains("verified: the key parses", f.Message, StringComparison.Ordinal);

        Assert.Empty(await SecretScanner.ScanAsync(TestKeys.Truncated(pem) + "\n", "keys/key.pem"));
        // Without its END line the block is incomplete.
        Assert.Empty(await SecretScanner.ScanAsync(pem[..pem.LastIndexOf("-----END", StringComparison.Ordinal)] + "\n", "keys/key.pem"));
    }

    [Fact]
    public async Task A_decrypted_key_that_kept_its_block_padding_still_parses()
    {
        var der = Convert.FromBase64String(TestKeys.Body(TestKeys.RsaPkcs1).Replace("\n", "", StringComparison.Ordinal));
        var padded = Convert.ToBase64String([.. der, .. Enumerable.Repeat((byte)0x0A, 10)]);

        var f = Assert.Single(await SecretScanner.ScanAsync("-----BEGIN RSA PRIVATE" + " KEY-----\n" + padded + "\n-----END RSA PRIVATE KEY-----\n", "keys/key.pem"));

        Assert.Contains("verified", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_openssh_key_encrypted_with_aes_gcm_is_a_key_and_one_without_its_tag_is_not()
    {
        // openssh-key-v1 layout with an AEAD cipher: the encrypted section is followed by a 16-byte tag.
        var plain = Convert.FromBase64String(TestKeys.Body(TestKeys.OpenSsh).Replace("\n", "", StringComparison.Ordinal));
        var at = 15;
        for (var i = 0; i < 3; i++) at += 4 + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(plain.AsSpan(at));
        at += 4; // key count
        var publicKey = plain.AsSpan(at, 4 + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(plain.AsSpan(at))).ToArray();
        static byte[] Str(byte[] v) => [.. BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v.Length)), .. v];
        byte[] Blob(int tag) => [.. "openssh-key-v1\0"u8.ToArray(), .. Str("aes256-gcm@openssh.com"u8.ToArray()), .. Str("bcrypt"u8.ToArray()),
            .. Str(new byte[24]), .. BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(1)), .. publicKey,
            .. Str(System.Security.Cryptography.RandomNumberGenerator.GetBytes(144)), .. new byte[tag]];
        string Pem(byte[] blob) => "-----BEGIN OPENSSH PRIVATE" + " KEY-----\n" + Convert.ToBase64String(blob, Base64FormattingOptions.InsertLineBreaks).Replace("\r", "", StringComparison.Ordinal) + "\n-----END OPENSSH PRIVATE KEY-----\n";

        Assert.Single(await SecretScanner.ScanAsync(Pem(Blob(16)), "keys/id_ed25519"));
        Assert.Empty(await SecretScanner.ScanAsync(Pem(Blob(0)), "keys/id_ed25519"));
    }

    [Fact]
    public async Task A_key_whose_body_was_edited_does_not_parse()
    {
        var pem = TestKeys.RsaPkcs1;
        // A character inside the modulus: the DER still decodes, but the modulus is no longer p·q.
        var i = pem.IndexOf('\n', StringComparison.Ordinal) + 40;
        var edited = pem[..i] + (pem[i] == 'A' ? 'B' : 'A') + pem[(i + 1)..];

        Assert.Empty(await SecretScanner.ScanAsync(edited + "\n", "keys/key.pem"));
    }

    [Theory]
    [InlineData("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    [InlineData("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj")]
    public async Task A_placeholder_or_random_body_is_not_a_key(string line)
    {
        var body = string.Join("\n", Enumerable.Repeat(line, 6));

        Assert.Empty(await SecretScanner.ScanAsync("-----BEGIN PRIVATE" + " KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n", "keys/key.pem"));
    }

    [Fact]
    public async Task A_truncated_example_key_in_a_typescript_doc_comment_is_not_reported()
    {
        // Issue 15: a declaration file's doc comment showed a truncated key and the package was rejected.
        var content = "export interface SignOptions {\n  /**\n   * The PEM key, e.g.\n   * ```\n   * -----BEGIN RSA PRIVATE" + " KEY-----\n"
            + "   * MIIEowIBAAKCAQEAn1pMVSEDO4EPzQxKgAakFxRgMGiewWZFAktenWo5aMt/OIso\n   * ...\n   * -----END RSA PRIVATE KEY-----\n   * ```\n   */\n  key: string;\n}\n";

        Assert.Empty(await SecretScanner.ScanAsync(content, "package/index.d.ts"));
        Assert.Empty(await SecretScanner.ScanAsync(content.Replace("   * ", "", StringComparison.Ordinal), "package/index.d.ts"));
    }

    [Fact]
    public async Task A_real_key_in_a_readme_is_still_critical()
    {
        var f = Assert.Single(await SecretScanner.ScanAsync("# Setup\n\n```\n" + TestKeys.Ec + "\n```\n", "README.md"));

        Assert.Equal(Severity.Critical, f.Severity);
    }

    // ---- connection strings

    [Theory]
    [InlineData("mongodb://user:pass@localhost:27017/test")]
    [InlineData("mongodb://admin:<password>@cluster0.mongodb.net/app")]
    [InlineData("mongodb+srv://app:${MONGO_PASSWORD}@cluster0.mongodb.net/app")]
    [InlineData("mongodb://app:{{password}}@db.internal/app")]
    [InlineData("mongodb://app:%s@db.internal/app")]
    [InlineData("mongodb://app:*****@db.internal/app")]
    [InlineData("mongodb://myUser:myPassword123@db.internal/app")]
    [InlineData("mongodb://app:Zq9xL2pW7vK4@mongo.example.com/app")]
    [InlineData("postgres://app:Zq9xL2pW7vK4@your-db-host/app")]
    [InlineData("redis://:Zq9xL2pW7vK4@host:6379")]
    public async Task Placeholder_passwords_and_example_hosts_are_not_reported(string url)
    {
        Assert.Empty(await SecretScanner.ScanAsync("DATABASE_URL=" + url + "\n", "deploy/.env"));
    }

    [Fact]
    public async Task A_random_password_for_a_local_host_is_low()
    {
        var f = Assert.Single(await SecretScanner.ScanAsync("DATABASE_URL=postgres://app:" + Fake.Al(18, "local") + "@localhost:5432/app\n", "deploy/.env"));

        Assert.Equal(Severity.Low, f.Severity);
        Assert.Contains("the host is local", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_example_connection_string_in_a_source_comment_is_below_medium()
    {
        // Issue 15: a driver's source comment showed an example URL and the package was rejected.
        var content = "/**\n * Connects, e.g.\n *   mongodb://admin:" + Fake.Al(14, "comment") + "@db1.acme.internal:27017/app\n */\nexport function connect(url) {}\n"
            + "// mongoose.connect('mongodb://app:" + Fake.Al(14, "comment2") + "@db2.acme.internal/app')\n";

        Assert.Empty(AtLeastMedium(await SecretScanner.ScanAsync(content, "lib/connection.js")));
    }

    // ---- generic rules

    [Fact]
    public async Task Identifiers_in_a_bundle_are_not_secrets()
    {
        // Issue 15: rollup output of a popular UI library.
        var content = "var ReactSharedInternals = {\n  ReactCurrentOwner: ReactCurrentOwner$1,\n  __SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED: ReactCurrentOwner$1,\n};\n"
            + "var secretConfig = defaultConfig2;\nfunction next(state) { return { token: prevToken2, apiKey: options.apiKey2 }; }\n";

        Assert.Empty(await SecretScanner.ScanAsync(content, "package/cjs/react.development.js"));
    }

    [Fact]
    public async Task A_quoted_identifier_is_not_a_secret_but_a_quoted_random_value_is()
    {
        Assert.Empty(await SecretScanner.ScanAsync("{ \"secret_key\": \"defaultConfig2\" }\n", "config/app.json"));
        var value = Fake.Al(24, "quoted") + "7";
        var f = Assert.Single(await SecretScanner.ScanAsync("const apiKey = '" + value + "';\n", "src/api.js"));
        Assert.Equal("secret.generic-api-key", f.RuleId);
        Assert.Equal(Severity.Medium, f.Severity);
    }

    [Fact]
    public async Task Base64_blobs_in_api_example_json_are_not_reported()
    {
        // Issue 15: an SDK's API example files carry base64 ciphertext and tokens.
        var blob = Fake.B64(120, "example-blob") + "==";
        var content = "{\n  \"examples\": {\n    \"Decrypt\": [{\n      \"input\": { \"CiphertextBlob\": \"" + blob + "\" },\n"
            + "      \"output\": { \"SecretString\": \"" + Fake.B64(40, "example-secret") + "\", \"SessionToken\": \"" + blob + "\" }\n    }]\n  }\n}\n";

        Assert.Empty(AtLeastMedium(await SecretScanner.ScanAsync(content, "package/apis/kms-2014-11-01.examples.json")));
        Assert.Empty(AtLeastMedium(await SecretScanner.ScanAsync("{ \"example\": { \"api_key\": \"" + Fake.Al(30, "openapi") + "9\" } }\n", "openapi.json")));
    }

    // ---- context never hides a verified secret

    [Fact]
    public async Task A_checksum_valid_token_in_a_readme_is_still_critical()
    {
        var token = TestKeys.Crc32Token("gh" + "p_", "readme");

        var f = Assert.Single(await SecretScanner.ScanAsync("## Usage\n\n```sh\nexport GITHUB_TOKEN=" + token + "\n```\n", "README.md"));

        Assert.Equal(Severity.Critical, f.Severity);
    }

    [Fact]
    public async Task An_aws_key_pair_in_a_readme_still_rejects()
    {
        var id = "AK" + "IA" + Fake.Chars(Fake.Base32, 16, "readme-pair");
        var secret = Fake.B64(40, "readme-pair-secret");

        var findings = await SecretScanner.ScanAsync("Configure:\n\n    aws_access_key_id = " + id + "\n    aws_secret_access_key = " + secret + "\n", "README.md");

        var f = Assert.Single(findings, x => x.RuleId == "secret.aws-secret-access-key");
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Contains("verified", f.Message, StringComparison.Ordinal);
    }

    private static string Jwt(string seed) =>
        Fake.Base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + Fake.Base64Url("{\"sub\":\"" + seed + "\",\"iat\":1700000000}") + "." + Fake.UrlSafe(43, seed);

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/setup.txt")]
    [InlineData("dist/app.js.map")]
    [InlineData("dist/app.min.js")]
    [InlineData("examples/pay.js")]
    [InlineData("pkg.deb!/data.tar!/usr/share/man/man1/tool.1.gz!/tool.1")]
    [InlineData("site-packages/lib-1.0.dist-info/METADATA")]
    public async Task An_unverified_token_in_context_is_lowered_to_low(string path)
    {
        var f = Assert.Single(await SecretScanner.ScanAsync("fetch(u, { headers: { Authorization: 'Bearer " + Jwt("context") + "' } });\n", path));

        Assert.Equal("secret.jwt", f.RuleId);
        Assert.Equal(Severity.Low, f.Severity);
        Assert.Contains("unverified", f.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("dist/app.js.map")]
    [InlineData("dist/app.min.js")]
    [InlineData("examples/pay.js")]
    public async Task A_token_in_a_distinctive_provider_format_keeps_its_severity_in_context(string path)
    {
        var key = "sk" + "_live_" + Fake.Al(24, "context");

        var f = Assert.Single(await SecretScanner.ScanAsync("// stripe('" + key + "');\n", path));

        Assert.Equal("secret.stripe-live-secret-key", f.RuleId);
        Assert.Equal(Severity.Critical, f.Severity);
    }

    [Fact]
    public async Task An_unverified_token_on_a_minified_line_is_lowered_and_a_generic_match_there_is_dropped()
    {
        var line = new StringBuilder("!function(){");
        while (line.Length < 2000) line.Append("var a=function(b){return b+1};");
        line.Append("var k=\"" + Jwt("minified") + "\",apiKey=\"" + Fake.Al(30, "minified-generic") + "5\";}();\n");

        var f = Assert.Single(await SecretScanner.ScanAsync(line.ToString(), "dist/bundle.js"));

        Assert.Equal("secret.jwt", f.RuleId);
        Assert.Equal(Severity.Low, f.Severity);
    }

    [Fact]
    public async Task A_generic_match_in_documentation_is_dropped()
    {
        Assert.Empty(await SecretScanner.ScanAsync("```\napi_key = \"" + Fake.Al(30, "doc-generic") + "4\"\n```\n", "README.md"));
    }

    // ---- value tests

    [Theory]
    [InlineData("defaultConfig2", true)]
    [InlineData("prevToken2", true)]
    [InlineData("ReactCurrentOwner$1", true)]
    [InlineData("SECRET_INTERNALS_2", true)]
    [InlineData("xKqPzLmWvRtY7", false)]
    [InlineData("a8F3kL9qZ2", false)]
    public void Identifiers_are_told_from_random_values(string value, bool identifier)
    {
        Assert.Equal(identifier, SecretText.LooksLikeIdentifier(value, 3));
    }
}
