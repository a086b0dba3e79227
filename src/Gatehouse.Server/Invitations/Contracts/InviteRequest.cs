namespace Gatehouse.Server.Invitations;

/// <summary>An invitation to send: the address and, for organisations, <c>member</c> (default) or <c>owner</c>.</summary>
public sealed record InviteRequest(string? Email, string? Role);
