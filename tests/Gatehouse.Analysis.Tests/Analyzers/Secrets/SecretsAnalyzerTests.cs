using System.Security.Cryptography;
using System.Text;
using Gatehouse.Analysis.Analyzers.Secrets;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Tests.Analyzers.Secrets;

public sealed class SecretsAnalyzerTests
{
    public static TheoryData<SecretSample> Samples => SecretSamples.Theory();

    private static string Sha(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Each_rule_reports_its_sample_secret(SecretSample sample)
    {
        var findings = await SecretScanner.ScanAsync(sample.Content, sample.Path);

        var expected = Fingerprints.Of(sample.RuleId, sample.Path, Sha(sample.Secret));
        Assert.Contains(findings, f => f.RuleId == sample.RuleId && f.Fingerprint == expected);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task A_secret_is_reported_by_one_rule_only(SecretSample sample)
    {
        var findings = await SecretScanner.ScanAsync(sample.Content, sample.Path);

        var sameSecret = findings.Where(f => f.Fingerprint == Fingerprints.Of(f.RuleId, sample.Path, Sha(sample.Secret)));
        Assert.Equal([sample.RuleId], sameSecret.Select(f => f.RuleId));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task No_finding_field_contains_the_secret_in_clear(SecretSample sample)
    {
        var findings = await SecretScanner.ScanAsync(sample.Content, sample.Path);

        Assert.NotEmpty(findings);
        foreach (var f in findings)
        {
            foreach (var field in new[] { f.RuleId, f.Path, f.Message, f.Fingerprint, f.Evidence, f.RequirementId, f.AnalyzerId })
            {
                Assert.DoesNotContain(sample.Secret, field ?? "", StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Every_rule_has_a_positive_sample()
    {
        var covered = SecretSamples.All().Select(s => s.RuleId).ToHashSet();
        var rules = SecretsAnalyzer.AllRules.Select(r => r.Id).ToHashSet();

        Assert.Empty(rules.Except(covered).Order());
        Assert.Empty(covered.Except(rules).Order());
    }

    [Fact]
    public async Task A_finding_carries_rule_severity_path_line_message_requirement_and_analyzer()
    {
        var token = TestKeys.Crc32Token("gh" + "p_", "shape");
        var findings = await SecretScanner.ScanAsync("# deploy\n\nexport GITHUB_TOKEN=" + token + "\n", "app.zip!/config/app.yml");

        var f = Assert.Single(findings);
        Assert.Equal("secret.github-pat", f.RuleId);
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Equal("app.zip!/config/app.yml", f.Path);
        Assert.Equal(3, f.Line);
        Assert.Equal("GitHub personal access token (classic) in app.zip!/config/app.yml line 3 (verified: checksum valid)", f.Message);
        Assert.Equal("GH-SEC-1", f.RequirementId);
        Assert.Equal("secrets", f.AnalyzerId);
    }

    [Fact]
    public async Task Evidence_shows_only_the_first_and_last_four_characters()
    {
        var token = TestKeys.Crc32Token("gh" + "p_", "evidence");
        var f = Assert.Single(await SecretScanner.ScanAsync("t=" + token + "\n"));

        Assert.Equal(token[..4] + "…" + token[^4..], f.Evidence);
    }

    [Fact]
    public async Task Evidence_of_a_secret_shorter_than_twelve_characters_is_fully_redacted()
    {
        var password = Fake.Al(9, "short-pw");
        var f = Assert.Single(await SecretScanner.ScanAsync("DATABASE_URL=postgres://app:" + password + "@db.internal/app\n"));

        Assert.Equal("secret.postgres-url-password", f.RuleId);
        Assert.Equal("[redacted]", f.Evidence);
    }

    [Fact]
    public async Task The_fingerprint_is_stable_across_scans()
    {
        var content = "STRIPE_KEY=" + "sk" + "_live_" + Fake.Al(24, "stable") + "\n";

        var first = Assert.Single(await SecretScanner.ScanAsync(content));
        var second = Assert.Single(await SecretScanner.ScanAsync("# moved down a line\n" + content));

        Assert.Equal(first.Fingerprint, second.Fingerprint);
        Assert.Matches("^[0-9a-f]{32}$", first.Fingerprint);
    }

    [Fact]
    public async Task A_different_secret_has_a_different_fingerprint()
    {
        var a = Assert.Single(await SecretScanner.ScanAsync("STRIPE_KEY=" + "sk" + "_live_" + Fake.Al(24, "one") + "\n"));
        var b = Assert.Single(await SecretScanner.ScanAsync("STRIPE_KEY=" + "sk" + "_live_" + Fake.Al(24, "two") + "\n"));

        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
    }

    [Fact]
    public async Task The_same_secret_twice_in_a_file_is_reported_once()
    {
        var token = TestKeys.Crc32Token("np" + "m_", "twice");

        var findings = await SecretScanner.ScanAsync("a=" + token + "\nb=" + token + "\n");

        Assert.Equal(1, Assert.Single(findings).Line);
    }

    [Fact]
    public async Task Stripe_test_keys_are_reported_as_low_not_as_live_keys()
    {
        var f = Assert.Single(await SecretScanner.ScanAsync("STRIPE=" + "sk" + "_test_" + Fake.Al(24, "low") + "\n"));

        Assert.Equal("secret.stripe-test-key", f.RuleId);
        Assert.Equal(Severity.Low, f.Severity);
    }

    [Fact]
    public async Task A_long_private_key_is_reported_with_its_whole_body()
    {
        // A 2048-bit RSA key body is about 1.6 KB: longer than the region searched around a keyword.
        var body = TestKeys.Body(TestKeys.RsaPkcs1);
        var content = "# key\n-----BEGIN RSA PRIVATE" + " KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----\n";

        var f = Assert.Single(await SecretScanner.ScanAsync(content, "deploy/id_rsa"));

        Assert.Equal(Fingerprints.Of("secret.private-key", "deploy/id_rsa", Sha(body)), f.Fingerprint);
        Assert.Equal(body[..4] + "…" + body[^4..], f.Evidence);
        Assert.Equal(3, f.Line); // the line where the secret (the key body) starts
    }

    [Fact]
    public async Task A_specific_rule_wins_over_the_generic_assignment_rule()
    {
        var token = "gl" + "pat-" + Fake.UrlSafe(20, "wins");

        var f = Assert.Single(await SecretScanner.ScanAsync("api_token: \"" + token + "\"\n"));

        Assert.Equal("secret.gitlab-pat", f.RuleId);
    }

    [Fact]
    public async Task A_jwt_whose_header_has_no_alg_is_not_reported()
    {
        var notJwt = Fake.Base64Url("{\"kid\":\"demo\",\"typ\":\"JWT\"}") + "." + Fake.Base64Url("{\"sub\":\"x\",\"n\":1}") + "." + Fake.UrlSafe(43, "noalg");

        Assert.Empty(await SecretScanner.ScanAsync("fetch(u, { headers: { Authorization: 'Bearer " + notJwt + "' } });\n", "a.js"));
    }

    [Fact]
    public async Task A_mailgun_style_key_without_mailgun_context_is_not_reported()
    {
        Assert.Empty(await SecretScanner.ScanAsync("sku = 'key" + "-" + Fake.HexOf(32, "no-context") + "'\n", "a.rb"));
    }

    [Fact]
    public async Task A_secret_in_a_utf16_file_with_a_byte_order_mark_is_found()
    {
        var token = TestKeys.Crc32Token("np" + "m_", "utf16");
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("token=" + token + "\n")).ToArray();

        var f = Assert.Single(await SecretScanner.ScanAsync(bytes, "notes.txt"));

        Assert.Equal("secret.npm-token", f.RuleId);
    }

    [Fact]
    public void The_analyzer_has_a_stable_id_version_and_its_rules()
    {
        var analyzer = new SecretsAnalyzer();

        Assert.Equal("secrets", analyzer.Id);
        Assert.Equal("1.1.0", analyzer.Version);
        Assert.Equal(SecretsAnalyzer.AllRules, analyzer.Rules);
    }
}
