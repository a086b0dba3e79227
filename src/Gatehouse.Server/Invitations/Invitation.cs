namespace Gatehouse.Server.Invitations;

/// <summary>
/// An invitation to join a vendor organisation or to administer a tenant, addressed to an e-mail address and
/// accepted by the signed-in user with that address. Its secret token is stored only as an HMAC; it is single-use,
/// expires (<see cref="ExpiresAt"/>) and can be revoked.
/// </summary>
public sealed class Invitation
{
    public Guid Id { get; set; }
    /// <summary><see cref="InvitationKinds.Organization"/> or <see cref="InvitationKinds.Tenant"/>.</summary>
    public required string Kind { get; set; }
    /// <summary>The organisation or tenant the invitation is for.</summary>
    public Guid TargetId { get; set; }
    /// <summary><c>owner</c> or <c>member</c> for an organisation; <c>admin</c> for a tenant.</summary>
    public required string Role { get; set; }
    /// <summary>The address as given (shown to the inviter).</summary>
    public required string Email { get; set; }
    /// <summary>The address upper-cased the way ASP.NET Core Identity normalises it; acceptance compares this.</summary>
    public required string NormalizedEmail { get; set; }
    /// <summary>HMAC-SHA256 (server token key) of the token, hex; the token itself is never stored.</summary>
    public required string TokenHmac { get; set; }
    public required string InvitedBy { get; set; }
    /// <summary>
    /// True when an admin issued it: the one way a staff account (reviewer, admin) may join a vendor organisation.
    /// An owner's invitation accepted by a staff account is refused.
    /// </summary>
    public bool StaffAllowed { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public string? AcceptedBy { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }

    /// <summary><c>pending</c>, <c>accepted</c>, <c>revoked</c> or <c>expired</c> at <paramref name="now"/>.</summary>
    public string StatusAt(DateTimeOffset now) =>
        AcceptedAt is not null ? "accepted" : RevokedAt is not null ? "revoked" : ExpiresAt <= now ? "expired" : "pending";
}

/// <summary>What an invitation is for.</summary>
internal static class InvitationKinds
{
    public const string Organization = "organization";
    public const string Tenant = "tenant";
}
