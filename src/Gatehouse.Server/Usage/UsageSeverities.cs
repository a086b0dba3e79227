using Gatehouse.Analysis.Usage;

namespace Gatehouse.Server.Usage;

/// <summary>The stored spelling of the engine's <see cref="UsageSeverity"/> (lower-case) and its order.</summary>
internal static class UsageSeverities
{
    public static string Of(UsageSeverity severity) => severity switch
    {
        UsageSeverity.High => "high",
        UsageSeverity.Medium => "medium",
        _ => "low",
    };

    /// <summary>0 for <c>info</c> or anything unknown, then low 1, medium 2, high 3.</summary>
    public static int Rank(string? severity) => severity switch
    {
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    };
}
