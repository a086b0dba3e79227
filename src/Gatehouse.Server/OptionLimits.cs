namespace Gatehouse.Server;

/// <summary>
/// Upper bounds for <c>[Range]</c> on settings whose only rule is "positive" (attribute arguments must be
/// constants, so <see cref="TimeSpan.MaxValue"/> and <see cref="long.MaxValue"/> are spelled out here).
/// </summary>
internal static class OptionLimits
{
    /// <summary><see cref="TimeSpan.MaxValue"/> in the form <c>[Range(typeof(TimeSpan), …)]</c> parses.</summary>
    public const string MaxTimeSpan = "10675199.02:48:05.4775807";

    /// <summary><see cref="long.MaxValue"/> in the form <c>[Range(typeof(long), …)]</c> parses.</summary>
    public const string MaxLong = "9223372036854775807";
}
