using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Server.Advisories;

namespace Gatehouse.Server.Tests.Advisories;

/// <summary>When the advisory feed counts as stale (<c>Advisories:StaleAfter</c>), without a host.</summary>
public sealed class AdvisoryStatusInfoTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_feed_is_current_while_its_newest_advisory_is_younger_than_the_setting()
    {
        var status = new AdvisoryStoreStatus(3, Now.AddHours(-1), [
            new EcosystemStatus("npm", 2, Now.AddDays(-2)),
            new EcosystemStatus("PyPI", 1, Now.AddDays(-10)),
        ]);
        var info = AdvisoryStatusInfo.From(status, TimeSpan.FromDays(3), Now);
        Assert.False(info.Stale);
        Assert.Equal(Now.AddDays(-2), info.NewestModified);
        Assert.Equal(["PyPI", "npm"], info.Ecosystems.Select(e => e.Ecosystem)); // ordinal: stable for scripts
    }

    [Fact]
    public void The_feed_is_stale_when_nothing_is_newer_than_the_setting_or_nothing_was_imported()
    {
        var old = new AdvisoryStoreStatus(1, Now, [new EcosystemStatus("npm", 1, Now.AddDays(-3).AddMinutes(-1))]);
        Assert.True(AdvisoryStatusInfo.From(old, TimeSpan.FromDays(3), Now).Stale);
        var empty = AdvisoryStatusInfo.From(new AdvisoryStoreStatus(0, null, []), TimeSpan.FromDays(3), Now);
        Assert.True(empty.Stale);
        Assert.Null(empty.NewestModified);
    }
}
