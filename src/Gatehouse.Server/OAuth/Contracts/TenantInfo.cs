namespace Gatehouse.Server.OAuth;

/// <summary>A tenant and how many admins it has.</summary>
public sealed record TenantInfo(Guid Id, string Name, int AdminCount);
