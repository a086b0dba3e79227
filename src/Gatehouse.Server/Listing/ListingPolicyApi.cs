using System.Text.Json;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Listing;

/// <summary>The listing policy: read by everyone signed in (vendors need to know what their tier requires), changed by admins.</summary>
internal static class ListingPolicyApi
{
    public static IEndpointRouteBuilder MapListingPolicyApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/policy").WithTags("Policy");
        g.MapGet("/", Current).RequireAuthorization(Policies.Read).WithName("GetListingPolicy").WithSummary("Get the current listing policy.");
        g.MapPut("/", Publish).RequireAuthorization(Policies.Admin).WithName("PublishListingPolicy").WithSummary("Publish a new listing policy version.");
        g.MapGet("/versions", Versions).RequireAuthorization(Policies.Read).WithName("ListListingPolicyVersions").WithSummary("List the listing policy's versions.");
        g.MapGet("/versions/{policyVersion:int}", Version).RequireAuthorization(Policies.Read).WithName("GetListingPolicyVersion").WithSummary("Get one listing policy version.");
        return app;
    }

    public static async Task<Ok<PolicyInfo>> Current(ListingPolicies policies, CancellationToken ct)
    {
        var current = await policies.CurrentAsync(ct);
        return TypedResults.Ok(new PolicyInfo(current.Version, current.Policy));
    }

    public static async Task<Results<Ok<PolicyInfo>, ProblemHttpResult>> Version(int policyVersion, ListingPolicies policies, CancellationToken ct) =>
        await policies.GetAsync(policyVersion, ct) is { } p ? TypedResults.Ok(new PolicyInfo(p.Version, p.Policy)) : Problems.NotFound("Policy version");

    public static async Task<Ok<List<PolicyVersionInfo>>> Versions(ListingPolicies policies, CancellationToken ct) =>
        TypedResults.Ok((await policies.ListAsync(ct)).Select(v => new PolicyVersionInfo(v.Version, v.Sha256, v.Source, v.CreatedBy, v.CreatedAt)).ToList());

    /// <summary>The body is a whole policy (JSON, docs/lifecycle.md); it becomes the next version when it differs from the current one.</summary>
    public static async Task<Results<Ok<PolicyInfo>, ProblemHttpResult>> Publish(HttpContext http, ListingPolicies policies, CancellationToken ct)
    {
        string json;
        using (var reader = new StreamReader(http.Request.Body))
        {
            var buffer = new char[256 * 1024 + 1];
            var read = await reader.ReadBlockAsync(buffer, ct);
            if (read > 256 * 1024) return Problems.Invalid("the policy must be at most 256 KiB");
            json = new string(buffer, 0, read);
        }
        ListingPolicy policy;
        try
        {
            policy = ListingPolicy.Parse(json);
        }
        catch (JsonException ex)
        {
            return Problems.Invalid(ex.Message);
        }
        // A new version is committed with its audit entry; publishing the current policy again changes (and audits) nothing.
        var (stored, _) = await policies.PublishAsync(policy, "api", http.User.Id(), ct, AuditEvent.By(http, AuditActions.ListingPolicyPublished));
        return TypedResults.Ok(new PolicyInfo(stored.Version, stored.Policy));
    }
}

internal sealed record PolicyInfo(int Version, ListingPolicy Policy);
internal sealed record PolicyVersionInfo(int Version, string Sha256, string Source, string CreatedBy, DateTimeOffset CreatedAt);
