using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Tests.Charts;

/// <summary>The policy file's <c>charts</c> section binds like <c>images</c>, and limits that would break the gate are refused.</summary>
public sealed class ChartPolicyTests
{
    [Fact]
    public void The_charts_section_overrides_only_what_it_names()
    {
        var policy = PolicyFile.Parse("""{ "charts": { "renderTimeout": "00:00:05", "maxRenderBytes": 1048576 } }""");

        Assert.Equal(TimeSpan.FromSeconds(5), policy.Charts.RenderTimeout);
        Assert.Equal(1L << 20, policy.Charts.MaxRenderBytes);
        Assert.Equal(ChartPolicy.Default.MaxFileBytes, policy.Charts.MaxFileBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), ChartPolicy.Default.RenderTimeout);
        Assert.Equal(16L << 20, ChartPolicy.Default.MaxRenderBytes);
    }

    [Theory]
    [InlineData("""{ "charts": { "renderTimeout": "00:00:00" } }""", "renderTimeout")]
    [InlineData("""{ "charts": { "maxObjects": 0 } }""", "charts limits")]
    [InlineData("""{ "charts": { "maxRender": 3 } }""", "maxRender")]
    public void Limits_that_would_break_the_gate_or_unknown_keys_are_refused(string json, string named)
    {
        var ex = Assert.ThrowsAny<System.Text.Json.JsonException>(() => PolicyFile.Parse(json));

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }
}
