using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Audit;

/// <summary>Settings of the security-refusal record (<c>SecurityRefusals</c> section, docs/operations.md).</summary>
public sealed class SecurityRefusalsOptions
{
    public const string Section = "SecurityRefusals";

    /// <summary>Refusals are counted per (actor, reason) over this window and written as one audit entry each. Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "SecurityRefusals:Window must be between 1 second and 1 hour")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Distinct (actor, reason) pairs kept per window; the rest fold into one <c>overflow</c> entry. Default 1000.</summary>
    [Range(1, 100_000, ErrorMessage = "SecurityRefusals:MaxKeysPerWindow must be between 1 and 100000")]
    public int MaxKeysPerWindow { get; set; } = 1000;

    /// <summary>Subjects and client addresses kept as samples per entry. Default 10.</summary>
    [Range(0, 100, ErrorMessage = "SecurityRefusals:MaxSamples must be between 0 and 100")]
    public int MaxSamples { get; set; } = 10;
}
