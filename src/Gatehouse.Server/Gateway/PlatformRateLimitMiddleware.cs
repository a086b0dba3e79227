using System.Globalization;
using System.Text;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Platform;
using Gatehouse.Server.Usage;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Gateway;

/// <summary>
/// The platform rate limits: every call to an endpoint marked <see cref="MeteredPlatformEndpoint"/> (the platform API,
/// the gateway's routes) takes a token from its app's bucket and its installation's bucket, sized by the app's tier
/// times its throttle factor. Runs after authorization, because the buckets are the app's (ASP.NET Core's
/// <c>UseRateLimiter</c> runs before authentication and cannot know it). Answers carry the IETF
/// <c>RateLimit-Policy</c> and <c>RateLimit</c> headers; a refusal is a 429 <c>usage.rate-limited</c> with <c>Retry-After</c>.
/// </summary>
internal sealed class PlatformRateLimitMiddleware(RequestDelegate next, IOptionsMonitor<PlatformRateLimitOptions> options,
    PlatformCallers callers, IActiveThrottles throttles, IPlatformRateLimitStore store)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var settings = options.CurrentValue;
        if (!settings.Enabled || context.GetEndpoint()?.Metadata.GetMetadata<MeteredPlatformEndpoint>() is null
            || await callers.ResolveAsync(context) is not { } caller)
        {
            await next(context);
            return;
        }
        var buckets = Buckets(settings, caller, throttles.FactorFor(caller.AppId));
        var states = await store.TakeAsync(buckets, context.RequestAborted);
        var (policy, remaining) = Headers(buckets, states);
        if (states.All(s => s.Allowed))
        {
            // Set when the answer starts, so an upstream's own headers of these names do not win.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers["RateLimit-Policy"] = policy;
                context.Response.Headers["RateLimit"] = remaining;
                return Task.CompletedTask;
            });
            await next(context);
            return;
        }
        // The bucket that refused is the one with a wait; the others only did not give (all or nothing).
        var index = Enumerable.Range(0, states.Count).MaxBy(i => states[i].RetryAfter);
        var (refused, refusedPolicy) = (states[index], buckets[index].Policy);
        var retry = Seconds(refused.RetryAfter);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers["RateLimit-Policy"] = policy;
        context.Response.Headers["RateLimit"] = remaining;
        context.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        await Problems.Of(429, GatewayProblemCodes.RateLimited, "Too many calls",
            $"the {refusedPolicy} rate limit of this app is used up; retry in {retry} s",
            new Dictionary<string, object?>(StringComparer.Ordinal) { ["policy"] = refusedPolicy, ["retryAfter"] = retry }).ExecuteAsync(context);
    }

    /// <summary>The app's bucket and its installation's (tenant's) bucket, with the limits in force now.</summary>
    public static PlatformBucketRequest[] Buckets(PlatformRateLimitOptions settings, PlatformCaller caller, double factor)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(caller);
        var tier = settings.For(caller.Tier);
        var tenant = caller.TenantId?.ToString("N") ?? "-";
        return
        [
            new("app", $"app:{caller.AppId:N}", tier.PerApp.Scaled(factor)),
            new("installation", $"installation:{caller.AppId:N}:{tenant}", tier.PerInstallation.Scaled(factor)),
        ];
    }

    /// <summary>
    /// The header values (draft-ietf-httpapi-ratelimit-headers, structured-field lists): <c>"app";q=600;w=60, ...</c>
    /// and <c>"app";r=599;t=1, ...</c>.
    /// </summary>
    public static (string Policy, string Remaining) Headers(IReadOnlyList<PlatformBucketRequest> buckets, IReadOnlyList<PlatformBucketState> states)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        ArgumentNullException.ThrowIfNull(states);
        var policy = new StringBuilder();
        var remaining = new StringBuilder();
        for (var i = 0; i < buckets.Count; i++)
        {
            var sep = i == 0 ? "" : ", ";
            policy.Append(CultureInfo.InvariantCulture, $"{sep}\"{buckets[i].Policy}\";q={buckets[i].Limit.Burst};w={buckets[i].Limit.WindowSeconds}");
            remaining.Append(CultureInfo.InvariantCulture, $"{sep}\"{buckets[i].Policy}\";r={states[i].Remaining};t={Seconds(states[i].UntilFull, min: 0)}");
        }
        return (policy.ToString(), remaining.ToString());
    }

    private static long Seconds(TimeSpan span, long min = 1) => Math.Max(min, (long)Math.Ceiling(span.TotalSeconds));
}
