namespace Gatehouse.Server.Invitations;

public sealed record AcceptInvitationRequest(string? Token);
