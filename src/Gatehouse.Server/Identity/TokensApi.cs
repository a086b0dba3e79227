using System.Security.Claims;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Identity;

/// <summary>Personal access tokens: create (shown once), list, revoke.</summary>
public static class TokensApi
{
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/tokens").WithTags("Tokens");
        g.MapGet("/", List).RequireAuthorization(Policies.Read);
        g.MapPost("/", Create).RequireAuthorization(Policies.Write);
        g.MapDelete("/{tokenId}", Revoke).RequireAuthorization(Policies.Write);
        return app;
    }

    public static async Task<Ok<List<TokenInfo>>> List(ClaimsPrincipal user, GatehouseDb db, CancellationToken ct)
    {
        var uid = user.Id();
        var rows = await db.PersonalAccessTokens.Where(t => t.UserId == uid).ToListAsync(ct);
        return TypedResults.Ok(rows.OrderByDescending(t => t.CreatedAt).Select(TokenInfo.From).ToList());
    }

    public static async Task<Results<Created<CreatedToken>, ProblemHttpResult>> Create(
        CreateTokenRequest request, HttpContext http, TokenService tokens, AuditLog audit, CancellationToken ct)
    {
        var issued = await IssueForCallerAsync(http, tokens, audit, request.Name, request.Scopes, request.ExpiresInDays, ct);
        if (issued.Error is not null) return Problems.Invalid(issued.Error);
        var r = issued.Record!;
        return TypedResults.Created($"/api/tokens/{r.Id}",
            new CreatedToken(r.Id, issued.Token!, r.Name, r.ScopeList, r.ExpiresAt));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        string tokenId, HttpContext http, GatehouseDb db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var user = http.User;
        var token = await db.PersonalAccessTokens.FirstOrDefaultAsync(t => t.Id == tokenId, ct);
        // Someone else's token is "not found", not "forbidden": ids do not leak.
        if (token is null || (token.UserId != user.Id() && !user.IsAdmin())) return Problems.NotFound("Token");
        if (token.RevokedAt is null)
        {
            token.RevokedAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
            await audit.AppendAsync(AuditEvent.By(http, AuditActions.TokenRevoked, subject: token.Id,
                data: new { owner = token.UserId, token.Name }), ct);
        }
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Shared by the API and the account page. A token never gets a scope its creator does not hold
    /// right now (so a read-only token cannot mint a write token).
    /// </summary>
    internal static async Task<(string? Token, PersonalAccessToken? Record, string? Error)> IssueForCallerAsync(
        HttpContext http, TokenService tokens, AuditLog audit, string? name, IEnumerable<string>? scopes, int? days, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100) return (null, null, "name is required (at most 100 characters)");
        var lifetime = days is null ? TokenService.DefaultLifetime : TimeSpan.FromDays(days.Value);
        if (lifetime <= TimeSpan.Zero || lifetime > TokenService.MaxLifetime)
            return (null, null, $"expiresInDays must be between 1 and {TokenService.MaxLifetime.TotalDays}");
        var held = http.User.ScopeClaims();
        var wanted = (scopes ?? held).Distinct(StringComparer.Ordinal).ToList();
        var unknown = wanted.Except(Scopes.All).ToList();
        if (unknown.Count > 0) return (null, null, $"unknown scopes: {string.Join(", ", unknown)}");
        var excess = wanted.Except(held).ToList();
        if (excess.Count > 0) return (null, null, $"you cannot grant scopes you do not hold: {string.Join(", ", excess)}");
        if (wanted.Count == 0) return (null, null, "at least one scope is required");

        var (token, record) = await tokens.IssueAsync(http.User.Id(), name.Trim(), wanted, lifetime, ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.TokenIssued, subject: record.Id,
            data: new { record.Name, scopes = record.Scopes, expiresAt = record.ExpiresAt }), ct);
        return (token, record, null);
    }
}

public sealed record CreateTokenRequest(string Name, IReadOnlyList<string>? Scopes, int? ExpiresInDays);
public sealed record CreatedToken(string Id, string Token, string Name, IReadOnlyList<string> Scopes, DateTimeOffset ExpiresAt);
public sealed record TokenInfo(string Id, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, string? LastUsedFrom)
{
    public static TokenInfo From(PersonalAccessToken t) =>
        new(t.Id, t.Name, t.ScopeList, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt, t.LastUsedFrom);
}
