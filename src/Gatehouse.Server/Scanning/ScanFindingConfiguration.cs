using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Scanning;

/// <summary>The <c>scan_findings</c> table: how <see cref="ScanFinding"/> is stored.</summary>
internal sealed class ScanFindingConfiguration : IEntityTypeConfiguration<ScanFinding>
{
    public void Configure(EntityTypeBuilder<ScanFinding> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("scan_findings");
        e.HasKey(x => x.Id);
        e.Property(x => x.RuleId).HasMaxLength(100);
        e.Property(x => x.Severity).HasMaxLength(10);
        e.Property(x => x.Fingerprint).HasMaxLength(64);
        e.Property(x => x.RequirementId).HasMaxLength(30);
        e.Property(x => x.AnalyzerId).HasMaxLength(50);
        e.HasIndex(x => x.ScanId);
        e.HasIndex(x => x.Fingerprint);
    }
}
