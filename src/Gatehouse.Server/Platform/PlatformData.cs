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

internal static class IssueStatuses
{
    public const string Open = "open";
    public const string InProgress = "in-progress";
    public const string Closed = "closed";
    public static readonly IReadOnlyList<string> All = [Open, InProgress, Closed];
}
