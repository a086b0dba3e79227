using Gatehouse.Server.Audit;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Scanning;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Data;

/// <summary>
/// The one database. Provider-specific subclasses (<see cref="SqliteGatehouseDb"/>,
/// <see cref="PostgresGatehouseDb"/>) exist only so that each provider has its own migrations.
/// </summary>
public abstract class GatehouseDb(DbContextOptions options) : IdentityDbContext<GatehouseUser, IdentityRole, string>(options)
{
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<OrganizationMember> OrganizationMembers => Set<OrganizationMember>();
    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();
    public DbSet<TotpStepRecord> TotpSteps => Set<TotpStepRecord>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<WorkItem> WorkItems => Set<WorkItem>();
    public DbSet<Scan> Scans => Set<Scan>();
    public DbSet<ScanFinding> ScanFindings => Set<ScanFinding>();
    public DbSet<global::Gatehouse.Server.Agreements.DeveloperAgreement> Agreements => Set<global::Gatehouse.Server.Agreements.DeveloperAgreement>();
    public DbSet<global::Gatehouse.Server.Agreements.AgreementAcceptance> AgreementAcceptances => Set<global::Gatehouse.Server.Agreements.AgreementAcceptance>();
    public DbSet<global::Gatehouse.Server.Evidence.EvidenceItem> EvidenceItems => Set<global::Gatehouse.Server.Evidence.EvidenceItem>();
    public DbSet<global::Gatehouse.Server.Listing.ListingPolicyVersion> ListingPolicies => Set<global::Gatehouse.Server.Listing.ListingPolicyVersion>();
    public DbSet<global::Gatehouse.Server.Listing.RequirementSnapshot> RequirementSnapshots => Set<global::Gatehouse.Server.Listing.RequirementSnapshot>();
    public DbSet<global::Gatehouse.Server.Apps.App> Apps => Set<global::Gatehouse.Server.Apps.App>();
    public DbSet<global::Gatehouse.Server.Apps.AppVersion> AppVersions => Set<global::Gatehouse.Server.Apps.AppVersion>();
    public DbSet<global::Gatehouse.Server.Apps.VersionTransition> VersionTransitions => Set<global::Gatehouse.Server.Apps.VersionTransition>();
    public DbSet<global::Gatehouse.Server.Apps.Suppression> Suppressions => Set<global::Gatehouse.Server.Apps.Suppression>();
    public DbSet<global::Gatehouse.Server.Notifications.OutboxMessage> Outbox => Set<global::Gatehouse.Server.Notifications.OutboxMessage>();
    public DbSet<global::Gatehouse.Server.Notifications.WebhookEndpoint> WebhookEndpoints => Set<global::Gatehouse.Server.Notifications.WebhookEndpoint>();
    public DbSet<global::Gatehouse.Server.ApiKeys.ApiKey> ApiKeys => Set<global::Gatehouse.Server.ApiKeys.ApiKey>();
    public DbSet<global::Gatehouse.Server.Platform.Project> PlatformProjects => Set<global::Gatehouse.Server.Platform.Project>();
    public DbSet<global::Gatehouse.Server.Platform.Issue> PlatformIssues => Set<global::Gatehouse.Server.Platform.Issue>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Organization>(e =>
        {
            e.ToTable("organizations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Name).HasMaxLength(200);
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.OwnerUserId).HasMaxLength(450);
            e.HasMany(x => x.Members).WithOne(m => m.Organization).HasForeignKey(m => m.OrganizationId);
        });
        builder.Entity<OrganizationMember>(e =>
        {
            e.ToTable("organization_members");
            e.HasKey(x => new { x.OrganizationId, x.UserId });
            e.Property(x => x.Role).HasMaxLength(20);
            e.HasIndex(x => x.UserId);
        });
        builder.Entity<PersonalAccessToken>(e =>
        {
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
        });
        builder.Entity<TotpStepRecord>(e =>
        {
            e.ToTable("totp_steps");
            e.HasKey(x => x.UserId);
            e.Property(x => x.UserId).HasMaxLength(450);
            e.HasOne<GatehouseUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<AuditEntry>(e =>
        {
            e.ToTable("audit_entries");
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).ValueGeneratedNever();
            e.Property(x => x.Actor).HasMaxLength(450);
            e.Property(x => x.Action).HasMaxLength(100);
            e.Property(x => x.OrganizationId).HasMaxLength(64);
            e.Property(x => x.Subject).HasMaxLength(450);
            e.Property(x => x.ClientAddress).HasMaxLength(64);
            e.Property(x => x.PreviousHash).HasMaxLength(64);
            e.Property(x => x.Hash).HasMaxLength(64);
            e.HasIndex(x => x.Action);
            e.HasIndex(x => x.OrganizationId);
        });
        builder.Entity<WorkItem>(e =>
        {
            e.ToTable("work_items");
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).HasMaxLength(100);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.LeaseOwner).HasMaxLength(200);
            e.HasIndex(x => x.State);
        });
        builder.Entity<Scan>(e =>
        {
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
            e.HasIndex(x => x.SubjectId);
            e.HasIndex(x => x.OrganizationId);
            e.HasIndex(x => x.BlobDigest);
            e.HasMany(x => x.Findings).WithOne(f => f.Scan).HasForeignKey(f => f.ScanId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<ScanFinding>(e =>
        {
            e.ToTable("scan_findings");
            e.HasKey(x => x.Id);
            e.Property(x => x.RuleId).HasMaxLength(100);
            e.Property(x => x.Severity).HasMaxLength(10);
            e.Property(x => x.Fingerprint).HasMaxLength(64);
            e.Property(x => x.RequirementId).HasMaxLength(30);
            e.Property(x => x.AnalyzerId).HasMaxLength(50);
            e.HasIndex(x => x.ScanId);
            e.HasIndex(x => x.Fingerprint);
        });

        // Feature models (each feature folder configures its own tables).
        global::Gatehouse.Server.Agreements.AgreementModel.Configure(builder);
        global::Gatehouse.Server.Evidence.EvidenceModel.Configure(builder);
        global::Gatehouse.Server.Listing.ListingModel.Configure(builder);
        global::Gatehouse.Server.Apps.AppModel.Configure(builder);
        global::Gatehouse.Server.Notifications.NotificationModel.Configure(builder);
        global::Gatehouse.Server.ApiKeys.ApiKeyModel.Configure(builder); // api_keys and the platform API's tables
        global::Gatehouse.Server.OAuth.OAuthModel.Configure(builder);
        global::Gatehouse.Server.Invitations.InvitationModel.Configure(builder);
        global::Gatehouse.Server.OAuth.AppAccessSuspensionModel.Configure(builder);
        global::Gatehouse.Server.Downloads.DownloadModel.Configure(builder);
        global::Gatehouse.Server.Data.Blobs.BlobModel.Configure(builder);
    }
}
