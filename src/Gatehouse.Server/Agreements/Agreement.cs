using Microsoft.EntityFrameworkCore;

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

internal static class AgreementModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<DeveloperAgreement>(e =>
        {
            e.ToTable("developer_agreements");
            e.HasKey(x => x.Version);
            e.Property(x => x.Version).ValueGeneratedNever();
            e.Property(x => x.Title).HasMaxLength(200);
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.Property(x => x.PublishedBy).HasMaxLength(450);
        });
        builder.Entity<AgreementAcceptance>(e =>
        {
            e.ToTable("agreement_acceptances");
            e.HasKey(x => x.Id);
            e.Property(x => x.UserId).HasMaxLength(450);
            e.Property(x => x.TextSha256).HasMaxLength(64);
            e.Property(x => x.ClientAddress).HasMaxLength(64);
            e.HasIndex(x => new { x.OrganizationId, x.AgreementVersion });
        });
    }
}
