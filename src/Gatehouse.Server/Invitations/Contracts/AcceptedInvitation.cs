namespace Gatehouse.Server.Invitations;

/// <summary>What the caller joined: <c>organization</c> or <c>tenant</c>, its id, and the role.</summary>
public sealed record AcceptedInvitation(string Kind, Guid TargetId, string Role);
