using System.Diagnostics;
using System.Reflection;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Health;

/// <summary>
/// <c>/healthz</c> (the process is alive), <c>/readyz</c> (every dependency works: status only, for anyone),
/// <c>/readyz/details</c> (each check, its engine version and message: admins only), version.
/// </summary>
internal static class HealthApi
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Alive).AllowAnonymous().WithTags("Health").WithName("GetLiveness").WithSummary("Answer whether the process is alive.");
        app.MapGet("/readyz", Ready).AllowAnonymous().WithTags("Health").WithName("GetReadiness").WithSummary("Answer whether the server is ready to serve.");
        // Engine versions, back-end types and error messages map the attack surface: admins only.
        app.MapGet("/readyz/details", ReadyDetails).RequireAuthorization(Policies.Admin).WithTags("Health").WithName("GetReadinessDetails").WithSummary("Get each readiness check's status and detail.");
        app.MapGet("/api/version", Version).RequireAuthorization(Policies.Read).WithTags("Health").WithName("GetServerVersion").WithSummary("Get the server's version.");
        return app;
    }

    public static Ok<AliveResponse> Alive() => TypedResults.Ok(new AliveResponse("alive"));

    /// <summary>
    /// For load balancers and anyone: 200 <c>ready</c> or 503 <c>not-ready</c>, nothing else. Which check is
    /// down goes to the server log (and to admins through <see cref="ReadyDetails"/>).
    /// </summary>
    public static async Task<JsonHttpResult<ReadySummary>> Ready(IEnumerable<IReadinessCheck> checks, ILoggerFactory logs, CancellationToken ct)
    {
        var report = await CheckAsync(checks, ct);
        var ready = report.Status == "ready";
        if (!ready)
        {
            var log = logs.CreateLogger(typeof(HealthApi).FullName!);
            foreach (var (name, check) in report.Checks.Where(c => c.Value.Status != "ready"))
                log.LogWarning("Readiness check {Check} is {Status}: {Detail}", name, check.Status, check.Detail);
        }
        return TypedResults.Json(new ReadySummary(report.Status), statusCode: ready ? 200 : 503);
    }

    /// <summary>Every check with its detail, for admins; the same status code as <c>/readyz</c>.</summary>
    public static async Task<JsonHttpResult<ReadyResponse>> ReadyDetails(IEnumerable<IReadinessCheck> checks, CancellationToken ct)
    {
        var report = await CheckAsync(checks, ct);
        return TypedResults.Json(report, statusCode: report.Status == "ready" ? 200 : 503);
    }

    /// <summary>Runs every check in parallel, each bounded by a timeout; any failure makes the whole <c>not-ready</c>.</summary>
    public static async Task<ReadyResponse> CheckAsync(IEnumerable<IReadinessCheck> checks, CancellationToken ct)
    {
        var tasks = checks.Select(c => RunOne(c, ct)).ToList();
        var results = await Task.WhenAll(tasks);
        var ready = results.All(r => r.Status == "ready");
        return new ReadyResponse(ready ? "ready" : "not-ready",
            results.ToDictionary(r => r.Name, r => new CheckStatus(r.Status, r.Detail, r.DurationMs)));
    }

    public static Ok<VersionResponse> Version() => TypedResults.Ok(new VersionResponse("gatehouse", ServerVersion));

    public static string ServerVersion { get; } =
        typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private static async Task<DependencyStatus> RunOne(IReadinessCheck check, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(CheckTimeout);
        try
        {
            var r = await check.CheckAsync(cts.Token).WaitAsync(cts.Token);
            return new DependencyStatus(check.Name, r.Ready ? "ready" : "down", r.Detail, sw.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DependencyStatus(check.Name, "down", $"no answer within {CheckTimeout.TotalSeconds:0} s", sw.ElapsedMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Fail closed: an exception is "down"; the type name tells operators where to look.
            return new DependencyStatus(check.Name, "down", ex.GetType().Name, sw.ElapsedMilliseconds);
        }
    }
}

internal sealed record AliveResponse(string Status);
internal sealed record DependencyStatus(string Name, string Status, string Detail, long DurationMs);
public sealed record CheckStatus(string Status, string Detail, long DurationMs);
public sealed record ReadyResponse(string Status, IReadOnlyDictionary<string, CheckStatus> Checks);
/// <summary>What <c>/readyz</c> tells anyone: <c>ready</c> or <c>not-ready</c>.</summary>
internal sealed record ReadySummary(string Status);
internal sealed record VersionResponse(string Name, string Version);
