namespace Gatehouse.Server.Agreements;

public sealed record PublishAgreementRequest(string? Title, string? Text);
