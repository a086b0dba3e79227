using System.Security.Claims;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Usage;

/// <summary>
/// The usage views (docs/usage.md): an app's usage series, top endpoints and installations, its alerts with their evidence
/// and its risk, for staff and for members of the app's organisation (anyone else: 404, as for the app itself); staff
/// acknowledge and resolve alerts and see the open alerts of every app; a tenant's admins see which apps called the
/// tenant's data. The rules live in <see cref="UsageQueries"/>, <see cref="UsageAlertsService"/> and <see cref="UsageTenantAccess"/>.
/// </summary>
internal static class UsageApi
{
    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder app)
    {
        var usage = app.MapGroup("/api/apps/{app}/usage").WithTags("Usage");
        usage.MapGet("/", Series).RequireAuthorization(Policies.Read).WithName("GetAppUsage")
            .WithSummary("An app's platform calls in hour or day buckets (optionally for one installation or endpoint).");
        usage.MapGet("/endpoints", Endpoints).RequireAuthorization(Policies.Read).WithName("GetAppUsageEndpoints")
            .WithSummary("An app's most called endpoints over a period.");
        usage.MapGet("/installations", Installations).RequireAuthorization(Policies.Read).WithName("GetAppUsageInstallations")
            .WithSummary("The tenants an app called for over a period, with first and last call.");
        usage.MapGet("/alerts", Alerts).RequireAuthorization(Policies.Read).WithName("ListAppUsageAlerts")
            .WithSummary("An app's usage alerts with their evidence, newest first.");
        usage.MapGet("/alerts/{alertId:guid}", Alert).RequireAuthorization(Policies.Read).WithName("GetAppUsageAlert")
            .WithSummary("One usage alert with its evidence.");
        usage.MapPost("/alerts/{alertId:guid}/acknowledge", Acknowledge).RequireAuthorization(Policies.Staff).WithName("AcknowledgeUsageAlert")
            .WithSummary("Acknowledge a usage alert (staff; it still counts in the app's risk).");
        usage.MapPost("/alerts/{alertId:guid}/resolve", Resolve).RequireAuthorization(Policies.Staff).WithName("ResolveUsageAlert")
            .WithSummary("Resolve a usage alert with a reason (staff).");
        usage.MapGet("/risk", Risk).RequireAuthorization(Policies.Read).WithName("GetAppUsageRisk")
            .WithSummary("An app's usage risk score, open alerts and active throttle.");

        app.MapGet("/api/usage/alerts", OpenAlerts).RequireAuthorization(Policies.Staff).WithTags("Usage").WithName("ListOpenUsageAlerts")
            .WithSummary("Open and acknowledged usage alerts across apps, the riskiest app first (staff).");
        app.MapGet("/api/tenants/{tenantId:guid}/usage", Tenant).RequireAuthorization(Policies.Read).WithTags("Usage").WithName("GetTenantUsage")
            .WithSummary("Which apps called a tenant's data, how much, first and last call (the tenant's admins and staff).");
        return app;
    }

    public static async Task<Results<Ok<UsageSeriesInfo>, ProblemHttpResult>> Series(
        string app, DateTimeOffset? from, DateTimeOffset? to, string? bucket, Guid? installation, string? endpoint,
        ClaimsPrincipal user, [AsParameters] UsageServices s, CancellationToken ct)
    {
        if (await s.Access.FindAsync(user, app, ct) is not { } row) return Problems.NotFound("App");
        var period = UsagePeriod.Parse(from, to, bucket, s.Time.GetUtcNow());
        if (period.Refusal is { } refusal) return refusal.ToProblem();
        return TypedResults.Ok(await s.Queries.SeriesAsync(row.Id, row.Slug, period.Value!, installation, endpoint, ct));
    }

    public static async Task<Results<Ok<UsageEndpointsInfo>, ProblemHttpResult>> Endpoints(
        string app, DateTimeOffset? from, DateTimeOffset? to, Guid? installation, int? limit,
        ClaimsPrincipal user, [AsParameters] UsageServices s, CancellationToken ct)
    {
        if (await s.Access.FindAsync(user, app, ct) is not { } row) return Problems.NotFound("App");
        var period = UsagePeriod.Parse(from, to, UsagePeriod.Hour, s.Time.GetUtcNow());
        if (period.Refusal is { } refusal) return refusal.ToProblem();
        return TypedResults.Ok(await s.Queries.EndpointsAsync(row.Id, row.Slug, period.Value!, installation, UsageQueries.Top(limit), ct));
    }

    public static async Task<Results<Ok<UsageInstallationsInfo>, ProblemHttpResult>> Installations(
        string app, DateTimeOffset? from, DateTimeOffset? to, int? limit, ClaimsPrincipal user, [AsParameters] UsageServices s, CancellationToken ct)
    {
        if (await s.Access.FindAsync(user, app, ct) is not { } row) return Problems.NotFound("App");
        var period = UsagePeriod.Parse(from, to, UsagePeriod.Hour, s.Time.GetUtcNow());
        if (period.Refusal is { } refusal) return refusal.ToProblem();
        return TypedResults.Ok(await s.Queries.InstallationsAsync(row.Id, row.Slug, period.Value!, UsageQueries.Top(limit), ct));
    }

    public static async Task<Results<Ok<IReadOnlyList<UsageAlertInfo>>, ProblemHttpResult>> Alerts(
        string app, string? status, ClaimsPrincipal user, [AsParameters] UsageServices s, CancellationToken ct)
    {
        if (await s.Access.FindAsync(user, app, ct) is not { } row) return Problems.NotFound("App");
        var outcome = await s.Alerts.ListAsync(row, status, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<UsageAlertInfo>, ProblemHttpResult>> Alert(
        string app, Guid alertId, ClaimsPrincipal user, [AsParameters] UsageServices s, CancellationToken ct)
    {
        if (await s.Access.FindAsync(user, app, ct) is not { } row) return Problems.NotFound("App");
        var outcome = await s.Alerts.GetAsync(row, alertId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<UsageAlertInfo>, ProblemHttpResult>> Acknowledge(
        string app, Guid alertId, UsageAlertActionRequest? request, HttpContext http, UsageAlertsService alerts, CancellationToken ct)
    {
        var outcome = await alerts.AcknowledgeAsync(http, app, alertId, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<UsageAlertInfo>, ProblemHttpResult>> Resolve(
        string app, Guid alertId, UsageAlertActionRequest? request, HttpContext http, UsageAlertsService alerts, CancellationToken ct)
    {
        var outcome = await alerts.ResolveAsync(http, app, alertId, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<UsageRiskInfo>, ProblemHttpResult>> Risk(string app, ClaimsPrincipal user, [AsParameters] UsageServices s, CancellationToken ct)
    {
        if (await s.Access.FindAsync(user, app, ct) is not { } row) return Problems.NotFound("App");
        return TypedResults.Ok(await s.Alerts.RiskAsync(row, ct));
    }

    public static async Task<Ok<IReadOnlyList<UsageAppAlertsInfo>>> OpenAlerts(UsageAlertsService alerts, CancellationToken ct) =>
        TypedResults.Ok(await alerts.OpenAcrossAppsAsync(ct));

    public static async Task<Results<Ok<TenantUsageInfo>, ProblemHttpResult>> Tenant(
        Guid tenantId, DateTimeOffset? from, DateTimeOffset? to, int? limit, ClaimsPrincipal user, [AsParameters] UsageServices s, CancellationToken ct)
    {
        if (await s.Tenants.FindAsync(user, tenantId, ct) is not { } tenant) return Problems.NotFound("Tenant");
        var period = UsagePeriod.Parse(from, to, UsagePeriod.Hour, s.Time.GetUtcNow());
        if (period.Refusal is { } refusal) return refusal.ToProblem();
        return TypedResults.Ok(await s.Queries.TenantAsync(tenant, period.Value!, UsageQueries.Top(limit), ct));
    }
}
