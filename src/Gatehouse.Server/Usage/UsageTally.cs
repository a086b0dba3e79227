namespace Gatehouse.Server.Usage;

/// <summary>
/// A running sum of <see cref="UsageMinuteRecord"/> counts (one hour, or one tenant in the evaluated hour). Additions
/// saturate at <see cref="long.MaxValue"/> and skip negative counts (the engine reads those as zero), so hostile
/// ingested counts can neither overflow nor cancel real traffic.
/// </summary>
internal sealed class UsageTally
{
    public long Calls, Status2xx, Status4xx, Status5xx, Unauthorized401, Forbidden403, ScopeViolations, BytesOut, Pages, NotInstalledCalls;

    public void Add(UsageWindows.Row r)
    {
        Calls = Sum(Calls, r.Calls);
        Status2xx = Sum(Status2xx, r.Status2xx);
        Status4xx = Sum(Status4xx, r.Status4xx);
        Status5xx = Sum(Status5xx, r.Status5xx);
        Unauthorized401 = Sum(Unauthorized401, r.Unauthorized401);
        Forbidden403 = Sum(Forbidden403, r.Forbidden403);
        ScopeViolations = Sum(ScopeViolations, r.ScopeViolations);
        BytesOut = Sum(BytesOut, r.BytesOut);
        Pages = Sum(Pages, r.Pages);
        NotInstalledCalls = Sum(NotInstalledCalls, r.NotInstalledCalls);
    }

    private static long Sum(long a, long b) => b <= 0 ? a : a > long.MaxValue - b ? long.MaxValue : a + b;
}
