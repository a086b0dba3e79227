using Gatehouse.Analysis.Analyzers.Secrets;

namespace Gatehouse.Analysis.Tests.Analyzers.Secrets;

/// <summary>The engine finds Gatehouse's own API keys, and only real ones (the CRC-32 must match).</summary>
public sealed class GatehouseApiKeyRuleTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_generated_key_is_found_and_redacted_in_the_report(bool live)
    {
        var (key, _) = GatehouseApiKeyFormat.Generate(live);
        var findings = await SecretScanner.ScanAsync("PLATFORM_API_KEY=" + key + "\n", "integration/.env");
        var f = Assert.Single(findings, x => x.RuleId == "secret.gatehouse-api-key");
        Assert.Equal(1, f.Line);
        Assert.DoesNotContain(key, f.Evidence!, StringComparison.Ordinal);
        Assert.DoesNotContain(key[20..50], f.Evidence!, StringComparison.Ordinal);
        Assert.DoesNotContain(key, f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_with_a_wrong_checksum_is_not_reported()
    {
        var (key, _) = GatehouseApiKeyFormat.Generate();
        // Change one character of the secret part: the shape is still right, the checksum is not.
        var i = key.Length - 10;
        var typo = key[..i] + (key[i] == 'a' ? 'b' : 'a') + key[(i + 1)..];
        Assert.False(GatehouseApiKeyFormat.IsValid(typo));
        var findings = await SecretScanner.ScanAsync("PLATFORM_API_KEY=" + typo + "\n", "integration/.env");
        Assert.DoesNotContain(findings, x => x.RuleId == "secret.gatehouse-api-key");
    }

    [Fact]
    public void Generated_keys_have_the_documented_shape_and_parse_back_to_their_id()
    {
        var (key, id) = GatehouseApiKeyFormat.Generate();
        Assert.Matches("^ghk_live_[0-9A-Za-z]{11}_[0-9A-Za-z]{39}$", key);
        Assert.Equal(GatehouseApiKeyFormat.Length, key.Length);
        Assert.True(GatehouseApiKeyFormat.TryParse(key, out var parsed, out var live));
        Assert.Equal(id, parsed);
        Assert.True(live);
        Assert.False(GatehouseApiKeyFormat.TryParse(key[..^1], out _, out _));
        Assert.False(GatehouseApiKeyFormat.TryParse("ghk_prod_" + key[9..], out _, out _));
    }
}
