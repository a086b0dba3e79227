namespace Gatehouse.Server.Developers;

public sealed record CreateOrganizationRequest(string Name, string? OwnerEmail);
