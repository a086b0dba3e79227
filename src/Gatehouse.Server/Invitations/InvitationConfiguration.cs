using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Invitations;

/// <summary>The <c>invitations</c> table: how <see cref="Invitation"/> is stored.</summary>
internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("invitations");
        e.HasKey(x => x.Id);
        e.Property(x => x.Kind).HasMaxLength(20);
        e.Property(x => x.Role).HasMaxLength(20);
        e.Property(x => x.Email).HasMaxLength(256);
        e.Property(x => x.NormalizedEmail).HasMaxLength(256);
        e.Property(x => x.TokenHmac).HasMaxLength(64);
        e.HasIndex(x => x.TokenHmac).IsUnique();
        e.Property(x => x.InvitedBy).HasMaxLength(450);
        e.Property(x => x.AcceptedBy).HasMaxLength(450);
        e.Property(x => x.RevokedBy).HasMaxLength(450);
        e.HasIndex(x => new { x.Kind, x.TargetId });
        e.HasIndex(x => x.NormalizedEmail);
    }
}
