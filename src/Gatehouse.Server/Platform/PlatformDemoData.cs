using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Platform;

/// <summary>Demo tenants' projects and issues for <c>--demo</c>. Idempotent.</summary>
internal static class PlatformDemoData
{
    /// <summary>Demo tenant "Globex" (fixed, so demo keys can be created for it).</summary>
    public static readonly Guid TenantA = new("7e1a0000-0000-4000-8000-00000000000a");
    /// <summary>Demo tenant "Initech".</summary>
    public static readonly Guid TenantB = new("7e1a0000-0000-4000-8000-00000000000b");

    public static async Task SeedAsync(GatehouseDb db, TimeProvider time, CancellationToken ct)
    {
        if (await db.PlatformProjects.AnyAsync(p => p.TenantId == TenantA || p.TenantId == TenantB, ct)) return;
        var now = time.GetUtcNow();
        void Add(Guid tenant, string key, string name, params string[] issues)
        {
            var project = new Project { Id = Guid.CreateVersion7(now), TenantId = tenant, Key = key, Name = name };
            db.PlatformProjects.Add(project);
            foreach (var title in issues)
                db.PlatformIssues.Add(new Issue
                {
                    Id = Guid.CreateVersion7(now), TenantId = tenant, ProjectId = project.Id, Title = title,
                    Status = IssueStatuses.Open, CreatedAt = now,
                });
        }
        Add(TenantA, "WEB", "Globex website", "Checkout button misaligned on mobile", "Add dark mode");
        Add(TenantA, "OPS", "Globex operations", "Rotate the database password");
        Add(TenantB, "CRM", "Initech CRM", "TPS report export fails");
        await db.SaveChangesAsync(ct);
    }
}
