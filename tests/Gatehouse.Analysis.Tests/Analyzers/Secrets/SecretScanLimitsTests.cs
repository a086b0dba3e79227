using System.Text;
using Gatehouse.Analysis.Analyzers.Secrets;

namespace Gatehouse.Analysis.Tests.Analyzers.Secrets;

/// <summary>Hostile and large input: binary files, huge lines, window boundaries, per-file caps.</summary>
public sealed class SecretScanLimitsTests
{
    // Generous on purpose: this proves linear time, not speed (about 2 s of CPU), and CI machines are shared.
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private static byte[] BinaryWith(string text)
    {
        var bytes = new List<byte> { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0 };
        bytes.AddRange(Encoding.ASCII.GetBytes(text));
        bytes.AddRange(new byte[64]);
        return [.. bytes];
    }

    [Fact]
    public async Task A_binary_file_is_not_searched_for_tokens()
    {
        var token = TestKeys.Crc32Token("gh" + "p_", "binary");

        Assert.Empty(await SecretScanner.ScanAsync(BinaryWith("GITHUB_TOKEN=" + token + "\n"), "bin/app"));
    }

    [Fact]
    public async Task A_private_key_inside_a_binary_file_is_found()
    {
        var pem = TestKeys.Ec + "\n";

        var f = Assert.Single(await SecretScanner.ScanAsync(BinaryWith(pem), "bin/app"));

        Assert.Equal("secret.private-key", f.RuleId);
    }

    [Fact]
    public async Task A_20_mb_single_line_file_is_searched_to_the_end()
    {
        // A hostile line: assignment prefixes that never complete, token prefixes that never match,
        // and a real-looking secret at the very end.
        var token = "sk" + "_live_" + Fake.Al(24, "huge");
        var unit = "\"api_key\":\"" + new string('A', 200) + "ghp_" + "sk_live_" + "eyJ" + ":AA" + "password=";
        var sb = new StringBuilder(20 << 20);
        while (sb.Length < 20 << 20) sb.Append(unit);
        sb.Append(' ').Append(token);
        using var cts = new CancellationTokenSource(Generous);

        var findings = await SecretScanner.ScanAsync(Encoding.UTF8.GetBytes(sb.ToString()), "dist/bundle.min.js", cts.Token);

        var f = Assert.Single(findings);
        Assert.Equal("secret.stripe-live-secret-key", f.RuleId);
        Assert.Equal(1, f.Line);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData(" ")]
    public async Task Near_misses_for_every_rule_keyword_finish(string separator)
    {
        // Every keyword of every rule, each followed by a value that almost matches, again and again:
        // every regex runs on every window and the extractor sees many candidate spans.
        var soup = new StringBuilder();
        foreach (var rule in SecretRuleSet.Default.Rules)
        {
            foreach (var k in rule.Keywords) soup.Append(k).Append("_=:\"").Append(Fake.Al(11, k)).Append("-----BEGIN PRIVATE KEY-----").Append(separator).Append("Proc-Type: a:b:c:").Append(separator);
        }

        var unit = soup.ToString();
        var sb = new StringBuilder(4 << 20);
        while (sb.Length < 4 << 20) sb.Append(unit);
        using var cts = new CancellationTokenSource(Generous);

        var findings = await SecretScanner.ScanAsync(Encoding.UTF8.GetBytes(sb.ToString()), "soup.txt", cts.Token);

        Assert.True(findings.Count <= SecretsAnalyzer.MaxFindingsPerFile);
    }

    [Theory]
    [InlineData(-20)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(5)]
    public async Task A_secret_across_a_window_boundary_is_reported_once_with_its_line(int offset)
    {
        var token = TestKeys.Crc32Token("gh" + "p_", "boundary" + offset);
        // One long line without newlines around the window cut, then the token on line 3.
        var filler = new string('x', SecretScan.WindowChars - 2 * SecretScan.Overlap + offset);
        var content = "first\n" + filler + "\n" + new string('y', SecretScan.Overlap - 30) + " " + token + " " + new string('z', 3 * SecretScan.Overlap) + "\nlast\n";

        var f = Assert.Single(await SecretScanner.ScanAsync(content, "big.txt"));

        Assert.Equal(3, f.Line);
    }

    [Fact]
    public async Task Line_numbers_stay_right_after_many_windows()
    {
        var token = TestKeys.Crc32Token("np" + "m_", "late-line");
        var sb = new StringBuilder();
        for (var i = 0; i < 60_000; i++) sb.Append("line ").Append(i).Append(" of harmless text padding padding\n");
        sb.Append("NPM=").Append(token).Append('\n');

        var f = Assert.Single(await SecretScanner.ScanAsync(sb.ToString(), "log.txt"));

        Assert.Equal(60_001, f.Line);
    }

    [Fact]
    public async Task A_file_longer_than_its_declared_length_is_searched_to_the_end()
    {
        var token = TestKeys.Crc32Token("np" + "m_", "longer");
        var content = Encoding.UTF8.GetBytes(new string('q', 3 << 20) + "\nNPM=" + token + "\n");

        var f = Assert.Single(await SecretScanner.ScanAsync(content, "lies.txt", declaredLength: 10));

        Assert.Equal(2, f.Line);
    }

    [Fact]
    public async Task Reporting_stops_at_the_per_file_limit_and_the_last_finding_says_so()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < SecretsAnalyzer.MaxFindingsPerFile + 50; i++) sb.Append("t").Append(i).Append('=').Append(TestKeys.Crc32Token("np" + "m_", "cap" + i)).Append('\n');

        var findings = await SecretScanner.ScanAsync(sb.ToString(), "tokens.txt");

        Assert.Equal(SecretsAnalyzer.MaxFindingsPerFile, findings.Count);
        Assert.Contains("limit of 100 secret findings per file", findings[^1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("limit", findings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_scan_throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SecretScanner.ScanAsync(Encoding.UTF8.GetBytes("x"), "a.txt", cts.Token));
    }

    [Fact]
    public async Task An_empty_file_has_no_findings()
    {
        Assert.Empty(await SecretScanner.ScanAsync([], "empty.txt"));
    }
}
