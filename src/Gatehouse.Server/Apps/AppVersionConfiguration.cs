using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Apps;

/// <summary>The <c>app_versions</c> table: how <see cref="AppVersion"/> is stored.</summary>
internal sealed class AppVersionConfiguration : IEntityTypeConfiguration<AppVersion>
{
    public void Configure(EntityTypeBuilder<AppVersion> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("app_versions");
        e.HasKey(x => x.Id);
        e.Property(x => x.Version).HasMaxLength(64);
        e.HasIndex(x => new { x.AppId, x.Version }).IsUnique();
        e.Property(x => x.State).HasMaxLength(24);
        e.HasIndex(x => x.State);
        e.Property(x => x.Revision).IsConcurrencyToken();
        e.Property(x => x.ArtifactDigest).HasMaxLength(71);
        e.Property(x => x.ArtifactName).HasMaxLength(255);
        e.Property(x => x.VendorSbomDigest).HasMaxLength(71);
        e.Property(x => x.ArtifactContentType).HasMaxLength(255);
        e.Property(x => x.Reference).HasMaxLength(2000);
        e.Property(x => x.EndpointsJson).HasMaxLength(8000);
        e.Property(x => x.ImageManifestDigest).HasMaxLength(71);
        e.Property(x => x.SmokeSpecJson).HasMaxLength(8000);
        e.Property(x => x.QuestionnaireResult).HasMaxLength(8);
        e.Property(x => x.AttestedBy).HasMaxLength(450);
        e.Property(x => x.AttestationName).HasMaxLength(200);
        e.Property(x => x.AttestationSha256).HasMaxLength(64);
        e.Property(x => x.CatalogVersion).HasMaxLength(80);
        e.Property(x => x.AgreementVersions).HasMaxLength(200);
        e.Property(x => x.SubmittedBy).HasMaxLength(450);
        e.Property(x => x.AssignedReviewerId).HasMaxLength(450);
        e.Property(x => x.DecidedBy).HasMaxLength(450);
        e.Property(x => x.CreatedBy).HasMaxLength(450);
        e.HasIndex(x => x.OrganizationId);
    }
}
