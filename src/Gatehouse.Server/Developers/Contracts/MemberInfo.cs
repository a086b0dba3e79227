namespace Gatehouse.Server.Developers;

public sealed record MemberInfo(string UserId, string Email, string? DisplayName, string Role, DateTimeOffset AddedAt);
