using Gatehouse.Server.Agreements;
using Gatehouse.Server.ApiKeys;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Platform;
using Gatehouse.Server.Scanning;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Data;

/// <summary>
/// The one database. Provider-specific subclasses (<see cref="SqliteGatehouseDb"/>,
/// <see cref="PostgresGatehouseDb"/>) exist only so that each provider has its own migrations.
/// Each table is mapped by an <see cref="IEntityTypeConfiguration{TEntity}"/> next to its entity
/// (<c>Apps/AppConfiguration.cs</c> and so on), applied from this assembly.
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
    public DbSet<DeveloperAgreement> Agreements => Set<DeveloperAgreement>();
    public DbSet<AgreementAcceptance> AgreementAcceptances => Set<AgreementAcceptance>();
    public DbSet<EvidenceItem> EvidenceItems => Set<EvidenceItem>();
    public DbSet<ListingPolicyVersion> ListingPolicies => Set<ListingPolicyVersion>();
    public DbSet<RequirementSnapshot> RequirementSnapshots => Set<RequirementSnapshot>();
    public DbSet<App> Apps => Set<App>();
    public DbSet<AppVersion> AppVersions => Set<AppVersion>();
    public DbSet<VersionTransition> VersionTransitions => Set<VersionTransition>();
    public DbSet<Suppression> Suppressions => Set<Suppression>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Project> PlatformProjects => Set<Project>();
    public DbSet<Issue> PlatformIssues => Set<Issue>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // OpenIddict's entities live in the same database (and the same migrations) as everything else.
        builder.UseOpenIddict();
        builder.ApplyConfigurationsFromAssembly(typeof(GatehouseDb).Assembly);
    }
}
