using System.Diagnostics;
using System.Reflection;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Health;

/// <summary><c>/healthz</c> (the process is alive), <c>/readyz</c> (every dependency works), version.</summary>
public static class HealthApi
{
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Alive).AllowAnonymous().WithTags("Health");
        app.MapGet("/readyz", Ready).AllowAnonymous().WithTags("Health");
        app.MapGet("/api/version", Version).RequireAuthorization(Policies.Read).WithTags("Health");
        return app;
    }

    public static Ok<AliveResponse> Alive() => TypedResults.Ok(new AliveResponse("alive"));

    /// <summary>Runs every check in parallel, each bounded by a timeout; any failure gives 503.</summary>
    public static async Task<JsonHttpResult<ReadyResponse>> Ready(IEnumerable<IReadinessCheck> checks, CancellationToken ct)
    {
        var tasks = checks.Select(c => RunOne(c, ct)).ToList();
        var results = await Task.WhenAll(tasks);
        var ready = results.All(r => r.Status == "ready");
        return TypedResults.Json(new ReadyResponse(ready ? "ready" : "not-ready",
                results.ToDictionary(r => r.Name, r => new CheckStatus(r.Status, r.Detail, r.DurationMs))),
            statusCode: ready ? 200 : 503);
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

public sealed record AliveResponse(string Status);
internal sealed record DependencyStatus(string Name, string Status, string Detail, long DurationMs);
public sealed record CheckStatus(string Status, string Detail, long DurationMs);
public sealed record ReadyResponse(string Status, IReadOnlyDictionary<string, CheckStatus> Checks);
public sealed record VersionResponse(string Name, string Version);
