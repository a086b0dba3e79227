namespace Gatehouse.Server.Usage;

/// <summary>Orders the alert severities (<c>info</c> &lt; <c>low</c> &lt; <c>medium</c> &lt; <c>high</c>) for the views.</summary>
internal static class UsageSeverityOrder
{
    public static int Rank(string? severity) => severity switch
    {
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    };
}
