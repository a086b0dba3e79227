using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Invitations;

/// <summary>Settings of section <c>Invitations</c> (docs/lifecycle.md#members-and-invitations).</summary>
public sealed class InvitationOptions
{
    public const string Section = "Invitations";

    /// <summary>How long an invitation can be accepted (default 7 days; 1 hour to 30 days).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "30.00:00:00", ErrorMessage = "Invitations:Lifetime must be between 1 hour and 30 days")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Most invitations one organisation or tenant may have pending at once (default 50), so an owner cannot mail-bomb.</summary>
    [Range(1, 10_000, ErrorMessage = "Invitations:MaxPendingPerTarget must be between 1 and 10000")]
    public int MaxPendingPerTarget { get; set; } = 50;
}
