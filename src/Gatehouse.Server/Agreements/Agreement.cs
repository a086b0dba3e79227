namespace Gatehouse.Server.Agreements;

/// <summary>
/// One version of the developer agreement. Versions are immutable; publishing a new one means every
/// organisation must accept it before its next submission.
/// </summary>
public sealed class DeveloperAgreement
{
    /// <summary>1, 2, 3, … (the key).</summary>
    public int Version { get; set; }
    public required string Title { get; set; }
    /// <summary>The full text (Markdown), exactly as accepted.</summary>
    public required string Text { get; set; }
    /// <summary>Lower-case hex SHA-256 of the UTF-8 text; an acceptance names it.</summary>
    public required string Sha256 { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
    public required string PublishedBy { get; set; }
}

/// <summary>A user accepted an agreement version on behalf of an organisation.</summary>
public sealed class AgreementAcceptance
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public required string UserId { get; set; }
    public int AgreementVersion { get; set; }
    /// <summary>SHA-256 of the text the user saw (must equal the version's).</summary>
    public required string TextSha256 { get; set; }
    public DateTimeOffset AcceptedAt { get; set; }
    public string? ClientAddress { get; set; }
}
