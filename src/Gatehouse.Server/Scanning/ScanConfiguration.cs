using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Scanning;

/// <summary>The <c>scans</c> table: how <see cref="Scan"/> is stored.</summary>
internal sealed class ScanConfiguration : IEntityTypeConfiguration<Scan>
{
    public void Configure(EntityTypeBuilder<Scan> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("scans");
        e.HasKey(x => x.Id);
        e.Property(x => x.BlobDigest).HasMaxLength(71);
        e.Property(x => x.FileName).HasMaxLength(255);
        e.Property(x => x.Target).HasMaxLength(2000);
        e.Property(x => x.ArtifactType).HasMaxLength(20);
        e.Property(x => x.SubmittedBy).HasMaxLength(450);
        e.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        // The engine's enum, stored as its lowercase name (the column text is unchanged: no migration).
        e.Property(x => x.Verdict).HasMaxLength(20)
            .HasConversion(new Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<Gatehouse.Analysis.Verdicts.Verdict, string>(
                v => VerdictNames.Of(v), s => VerdictNames.Parse(s)));
        e.Property(x => x.Purpose).HasMaxLength(20);
        e.Property(x => x.SbomBlob).HasMaxLength(71);
        e.Property(x => x.DeclaredSbomBlob).HasMaxLength(71);
        e.HasIndex(x => x.SubjectId);
        e.HasIndex(x => x.OrganizationId);
        e.HasIndex(x => x.BlobDigest);
        e.HasMany(x => x.Findings).WithOne(f => f.Scan).HasForeignKey(f => f.ScanId).OnDelete(DeleteBehavior.Cascade);
    }
}
