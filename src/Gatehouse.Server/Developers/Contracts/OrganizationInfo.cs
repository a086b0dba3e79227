namespace Gatehouse.Server.Developers;

public sealed record OrganizationInfo(Guid Id, string Name, string OwnerUserId, DateTimeOffset CreatedAt, int MemberCount);
