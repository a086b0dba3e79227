using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Platform;

/// <summary>
/// A project of a customer tenant on the marketplace platform. <see cref="TenantId"/> is a plain id (no
/// foreign key): tenants are owned by the OAuth/installation feature.
/// </summary>
public sealed class Project
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    /// <summary>Short key, unique per tenant (e.g. <c>OPS</c>).</summary>
    public required string Key { get; set; }
    public required string Name { get; set; }
}

/// <summary>An issue in a tenant's project.</summary>
public sealed class Issue
{
    public Guid Id { get; set; }
    public Guid TenantId { get; set; }
    public Guid ProjectId { get; set; }
    public required string Title { get; set; }
    /// <summary>One of <see cref="IssueStatuses"/>.</summary>
    public required string Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public static class IssueStatuses
{
    public const string Open = "open";
    public const string InProgress = "in-progress";
    public const string Closed = "closed";
    public static readonly IReadOnlyList<string> All = [Open, InProgress, Closed];
}

internal static class PlatformModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<Project>(e =>
        {
            e.ToTable("platform_projects");
            e.HasKey(x => x.Id);
            e.Property(x => x.Key).HasMaxLength(20);
            e.Property(x => x.Name).HasMaxLength(200);
            e.HasIndex(x => new { x.TenantId, x.Key }).IsUnique();
        });
        builder.Entity<Issue>(e =>
        {
            e.ToTable("platform_issues");
            e.HasKey(x => x.Id);
            e.Property(x => x.Title).HasMaxLength(300);
            e.Property(x => x.Status).HasMaxLength(20);
            e.HasIndex(x => new { x.TenantId, x.ProjectId });
            e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
