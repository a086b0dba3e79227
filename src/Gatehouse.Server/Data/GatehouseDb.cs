using Gatehouse.Server.Agreements;
using Gatehouse.Server.ApiKeys;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Cluster;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Platform;
using Gatehouse.Server.Scanning;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Gatehouse.Server.Data;

/// <summary>
/// The one database. Provider-specific subclasses (<see cref="SqliteGatehouseDb"/>,
/// <see cref="PostgresGatehouseDb"/>) exist only so that each provider has its own migrations.
/// Each table is mapped by an <see cref="IEntityTypeConfiguration{TEntity}"/> next to its entity
/// (<c>Apps/AppConfiguration.cs</c> and so on), applied from this assembly.
/// <para>
/// A context is a unit of work, and everything a state change implies is committed with it (issue 14): audit events
/// staged with <see cref="AuditLog.Record"/> are sealed onto the chain inside the save's transaction
/// (<see cref="AuditSealing"/>), outbox rows and work items are plain rows of the same save, and what may only happen
/// once they are committed (handing a work item to the job queue, waking the outbox loop) is registered with
/// <see cref="AfterCommit"/>. A save with staged audit events runs in a transaction: the caller's, or one of its own.
/// Several saves that must commit together run in <see cref="InTransactionAsync{T}"/>.
/// </para>
/// </summary>
public abstract class GatehouseDb(DbContextOptions options) : IdentityDbContext<GatehouseUser, IdentityRole, string>(options), IDataProtectionKeyContext
{
    /// <summary>ASP.NET Core data-protection keys, shared by every instance (issue 21; <c>DataProtectionKeyConfiguration</c>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
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
    public DbSet<Images.RegistryCredential> RegistryCredentials => Set<Images.RegistryCredential>();
    public DbSet<Project> PlatformProjects => Set<Project>();
    public DbSet<Issue> PlatformIssues => Set<Issue>();

    private readonly List<StagedAuditEvent> _stagedAudit = [];
    private List<Action> _afterCommit = [];

    /// <summary>Adds an audit event to this unit of work (<see cref="AuditLog.Record"/>).</summary>
    internal void StageAudit(StagedAuditEvent ev) => _stagedAudit.Add(ev);

    /// <summary>
    /// Runs <paramref name="action"/> once this unit's changes are committed (after the save, or after the enclosing
    /// transaction commits); dropped when that transaction rolls back. It must not throw and must not need the rows to
    /// stay uncommitted: a crash right after the commit skips it, so whatever it does must also be re-driven from the
    /// database (the reconciler re-dispatches pending work, the outbox loop polls).
    /// </summary>
    public void AfterCommit(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _afterCommit.Add(action);
    }

    /// <summary>Runs <paramref name="work"/> in a transaction (the one already open, or a new one committed when it returns).</summary>
    public async Task<T> InTransactionAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (Database.CurrentTransaction is not null) return await work();
        await using var tx = await Database.BeginTransactionAsync(ct);
        try
        {
            var result = await work();
            await tx.CommitAsync(ct);
            return result;
        }
        catch
        {
            DiscardAfterCommit(); // disposing rolls back without telling the interceptor
            throw;
        }
    }

    /// <inheritdoc cref="InTransactionAsync{T}"/>
    public Task InTransactionAsync(Func<Task> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(work);
        return InTransactionAsync(async () => { await work(); return true; }, ct);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (AccessChanges.Touches(this)) AfterCommit(AccessChangedHere); // credential caches drop what they hold, here and on every instance
        if (_stagedAudit.Count == 0)
        {
            int saved;
            try
            {
                saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            }
            catch when (Database.CurrentTransaction is null)
            {
                DiscardAfterCommit(); // EF's own transaction rolled back: nothing of this unit was committed
                throw;
            }
            // Without a transaction of ours, EF committed the save itself (its own transaction or a single statement).
            if (Database.CurrentTransaction is null) RunAfterCommit();
            return saved;
        }

        var own = Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(cancellationToken) : null;
        IReadOnlyList<AuditEntry> sealedEntries = [];
        try
        {
            sealedEntries = await AuditSealing.SealAsync(this, _stagedAudit, cancellationToken);
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (own is not null) await own.CommitAsync(cancellationToken);
            _stagedAudit.Clear();
            return saved;
        }
        catch
        {
            // Nothing was committed. The entries were sealed against a head that may not exist, and the events describe
            // changes that did not happen: both go (a caller that tries again records its events again).
            foreach (var entry in sealedEntries) Entry(entry).State = EntityState.Detached;
            _stagedAudit.Clear();
            if (own is not null) DiscardAfterCommit();
            throw;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }

    /// <summary>
    /// After a commit that changed platform access: this process's credential caches drop their entries, and the other
    /// instances are told (<see cref="ClusterTopics.AccessChanged"/>). A context made without the application's services
    /// (some tests) has no cache to tell.
    /// </summary>
    private void AccessChangedHere()
    {
        var services = this.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        services?.GetService<AccessChanges>()?.Bump();
        services?.GetService<IClusterSignals>()?.Publish(ClusterTopics.AccessChanged);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        if (_stagedAudit.Count > 0)
            throw new InvalidOperationException("a unit of work with audit events is saved with SaveChangesAsync");
        if (AccessChanges.Touches(this)) AfterCommit(AccessChangedHere);
        var saved = base.SaveChanges(acceptAllChangesOnSuccess);
        if (Database.CurrentTransaction is null) RunAfterCommit();
        return saved;
    }

    /// <summary>Called when this unit's changes are committed (<see cref="AfterCommitInterceptor"/> for transactions).</summary>
    internal void RunAfterCommit()
    {
        if (_afterCommit.Count == 0) return;
        var actions = _afterCommit;
        _afterCommit = [];
        foreach (var action in actions) action();
    }

    /// <summary>Called when the transaction rolls back: nothing of this unit was committed.</summary>
    internal void DiscardAfterCommit() => _afterCommit = [];

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        base.OnConfiguring(optionsBuilder);
        // The server's registration (DatabaseSetup) builds its options once, with the interceptor: adding it here again
        // would make every unit of work (one per request) build and look up a new options set. Contexts made from other
        // options (tests, tools) get it here.
        var configured = optionsBuilder.Options.FindExtension<Microsoft.EntityFrameworkCore.Infrastructure.CoreOptionsExtension>()?.Interceptors;
        if (configured is null || !configured.Contains(AfterCommitInterceptor.Instance))
            optionsBuilder.AddInterceptors(AfterCommitInterceptor.Instance);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // OpenIddict's entities live in the same database (and the same migrations) as everything else.
        builder.UseOpenIddict();
        builder.ApplyConfigurationsFromAssembly(typeof(GatehouseDb).Assembly);
    }
}
