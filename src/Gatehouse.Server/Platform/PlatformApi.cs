using System.Security.Claims;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Platform;

/// <summary>
/// The marketplace platform's small resource API that integrations call (docs/platform-api.md). Every
/// query is filtered to the caller's tenants: another tenant's project or issue is "not found".
/// </summary>
internal static class PlatformApi
{
    public const string Prefix = "/platform";

    public static IEndpointRouteBuilder MapPlatformApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup(Prefix + "/v1").WithTags("Platform").RequireAuthorization(PlatformAuth.Policy)
            .WithMetadata(MeteredPlatformEndpoint.Instance);
        g.MapGet("/projects", ListProjects).RequireAuthorization(PlatformAuth.ProjectsRead).WithName("ListPlatformProjects").WithSummary("List the projects an API key may see.");
        g.MapPost("/projects", CreateProject).RequireAuthorization(PlatformAuth.ProjectsWrite).WithName("CreatePlatformProject").WithSummary("Create a project.");
        g.MapGet("/projects/{projectId:guid}/issues", ListIssues).RequireAuthorization(PlatformAuth.IssuesRead).WithName("ListPlatformIssues").WithSummary("List a project's issues.");
        g.MapPost("/projects/{projectId:guid}/issues", CreateIssue).RequireAuthorization(PlatformAuth.IssuesWrite).WithName("CreatePlatformIssue").WithSummary("Create an issue in a project.");
        g.MapPatch("/issues/{issueId:guid}", UpdateIssue).RequireAuthorization(PlatformAuth.IssuesWrite).WithName("UpdatePlatformIssue").WithSummary("Update an issue.");
        return app;
    }

    public static async Task<Ok<List<ProjectDto>>> ListProjects(ClaimsPrincipal user, GatehouseDb db, CancellationToken ct)
    {
        var tenants = user.Tenants();
        var rows = await db.PlatformProjects.AsNoTracking().Where(p => tenants.Contains(p.TenantId)).ToListAsync(ct);
        return TypedResults.Ok(rows.OrderBy(p => p.Key, StringComparer.Ordinal).Select(ProjectDto.From).ToList());
    }

    public static async Task<Results<Created<ProjectDto>, ProblemHttpResult>> CreateProject(
        CreateProjectRequest request, ClaimsPrincipal user, GatehouseDb db, CancellationToken ct)
    {
        var tenants = user.Tenants();
        if (tenants.Length != 1) return Problems.Invalid("the credential must be bound to exactly one tenant to create a project");
        if (string.IsNullOrWhiteSpace(request.Key) || request.Key.Length > 20 || !request.Key.All(char.IsAsciiLetterOrDigit))
            return Problems.Invalid("key is required: 1 to 20 letters or digits");
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 200) return Problems.Invalid("name is required (at most 200 characters)");
        var key = request.Key.ToUpperInvariant();
        if (await db.PlatformProjects.AnyAsync(p => p.TenantId == tenants[0] && p.Key == key, ct))
            return Problems.Conflict($"project key {key} exists");
        var project = new Project { Id = Guid.NewGuid(), TenantId = tenants[0], Key = key, Name = request.Name.Trim() };
        db.PlatformProjects.Add(project);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"{Prefix}/v1/projects/{project.Id}", ProjectDto.From(project));
    }

    public static async Task<Results<Ok<List<IssueDto>>, ProblemHttpResult>> ListIssues(
        Guid projectId, ClaimsPrincipal user, GatehouseDb db, CancellationToken ct)
    {
        var project = await FindProjectAsync(user, db, projectId, ct);
        if (project is null) return Problems.NotFound("Project");
        var rows = await db.PlatformIssues.AsNoTracking().Where(i => i.ProjectId == project.Id && i.TenantId == project.TenantId).ToListAsync(ct);
        return TypedResults.Ok(rows.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).Select(IssueDto.From).ToList());
    }

    public static async Task<Results<Created<IssueDto>, ProblemHttpResult>> CreateIssue(
        Guid projectId, CreateIssueRequest request, ClaimsPrincipal user, GatehouseDb db, TimeProvider time, CancellationToken ct)
    {
        var project = await FindProjectAsync(user, db, projectId, ct);
        if (project is null) return Problems.NotFound("Project");
        if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Length > 300) return Problems.Invalid("title is required (at most 300 characters)");
        var issue = new Issue
        {
            Id = Guid.NewGuid(), TenantId = project.TenantId, ProjectId = project.Id, Title = request.Title.Trim(),
            Status = IssueStatuses.Open, CreatedAt = time.GetUtcNow(),
        };
        db.PlatformIssues.Add(issue);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"{Prefix}/v1/issues/{issue.Id}", IssueDto.From(issue));
    }

    public static async Task<Results<Ok<IssueDto>, ProblemHttpResult>> UpdateIssue(
        Guid issueId, UpdateIssueRequest request, ClaimsPrincipal user, GatehouseDb db, CancellationToken ct)
    {
        var tenants = user.Tenants();
        var issue = await db.PlatformIssues.FirstOrDefaultAsync(i => i.Id == issueId && tenants.Contains(i.TenantId), ct);
        if (issue is null) return Problems.NotFound("Issue");
        if (request.Title is not null)
        {
            if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Length > 300) return Problems.Invalid("title must be 1 to 300 characters");
            issue.Title = request.Title.Trim();
        }
        if (request.Status is not null)
        {
            if (!IssueStatuses.All.Contains(request.Status, StringComparer.Ordinal))
                return Problems.Invalid($"status must be one of: {string.Join(", ", IssueStatuses.All)}");
            issue.Status = request.Status;
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(IssueDto.From(issue));
    }

    private static Task<Project?> FindProjectAsync(ClaimsPrincipal user, GatehouseDb db, Guid projectId, CancellationToken ct)
    {
        var tenants = user.Tenants();
        return db.PlatformProjects.AsNoTracking().FirstOrDefaultAsync(p => p.Id == projectId && tenants.Contains(p.TenantId), ct);
    }
}

internal sealed record CreateProjectRequest(string? Key, string? Name);
internal sealed record CreateIssueRequest(string? Title);
internal sealed record UpdateIssueRequest(string? Title, string? Status);

internal sealed record ProjectDto(Guid Id, Guid TenantId, string Key, string Name)
{
    public static ProjectDto From(Project p) => new(p.Id, p.TenantId, p.Key, p.Name);
}

internal sealed record IssueDto(Guid Id, Guid ProjectId, string Title, string Status, DateTimeOffset CreatedAt)
{
    public static IssueDto From(Issue i) => new(i.Id, i.ProjectId, i.Title, i.Status, i.CreatedAt);
}
