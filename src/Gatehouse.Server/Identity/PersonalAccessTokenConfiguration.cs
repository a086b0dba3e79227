using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Identity;

/// <summary>The <c>personal_access_tokens</c> table: how <see cref="PersonalAccessToken"/> is stored.</summary>
internal sealed class PersonalAccessTokenConfiguration : IEntityTypeConfiguration<PersonalAccessToken>
{
    public void Configure(EntityTypeBuilder<PersonalAccessToken> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("personal_access_tokens");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.Scopes).HasMaxLength(200);
        e.Property(x => x.Hmac).HasMaxLength(64);
        e.Property(x => x.LastUsedFrom).HasMaxLength(64);
        e.Property(x => x.ParentTokenId).HasMaxLength(32);
        e.HasIndex(x => x.UserId);
        e.HasIndex(x => x.ParentTokenId); // revocation walks from a token to those it minted
        e.Ignore(x => x.ScopeList);
    }
}
