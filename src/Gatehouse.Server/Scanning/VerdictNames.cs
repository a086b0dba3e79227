using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Server.Scanning;

/// <summary>
/// The verdict as text: the engine's names in lower case (<c>pass</c>, <c>review</c>, <c>reject</c>,
/// <c>incomplete</c>), as the <c>scans.verdict</c> column, the API's JSON, audit entries and the report
/// (<c>gatehouse check --format json</c>) spell it. The only place the server turns a verdict into text or back.
/// </summary>
internal static class VerdictNames
{
    /// <summary>What the API and the console show for a scan that has no verdict yet.</summary>
    public const string Pending = "pending";

    /// <summary>The stored and wire spelling of <paramref name="verdict"/>.</summary>
    public static string Of(Verdict verdict) => verdict.ToString().ToLowerInvariant();

    /// <summary>The spelling of <paramref name="verdict"/>, or null while there is none.</summary>
    public static string? Of(Verdict? verdict) => verdict is { } v ? Of(v) : null;

    /// <summary>The spelling of <paramref name="verdict"/>, or <see cref="Pending"/> while there is none.</summary>
    public static string OrPending(Verdict? verdict) => Of(verdict) ?? Pending;

    /// <summary>The verdict a stored spelling stands for.</summary>
    public static Verdict Parse(string text) => Enum.Parse<Verdict>(text, ignoreCase: true);
}
