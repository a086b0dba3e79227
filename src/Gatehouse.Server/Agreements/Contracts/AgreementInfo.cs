namespace Gatehouse.Server.Agreements;

public sealed record AgreementInfo(int Version, string Title, string Text, string Sha256, DateTimeOffset PublishedAt)
{
    public static AgreementInfo From(DeveloperAgreement a) => new(a.Version, a.Title, a.Text, a.Sha256, a.PublishedAt);
}
