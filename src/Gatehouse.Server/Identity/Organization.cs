namespace Gatehouse.Server.Identity;

/// <summary>A vendor organisation: the unit that owns apps, evidence and submissions.</summary>
public sealed class Organization
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string OwnerUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<OrganizationMember> Members { get; set; } = [];
}

/// <summary>A user's membership in an organisation.</summary>
public sealed class OrganizationMember
{
    public Guid OrganizationId { get; set; }
    public required string UserId { get; set; }
    /// <summary><c>owner</c> or <c>member</c>.</summary>
    public required string Role { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    public Organization? Organization { get; set; }
}

/// <summary>Roles inside an organisation.</summary>
internal static class OrganizationRoles
{
    public const string Owner = "owner";
    public const string Member = "member";
}
