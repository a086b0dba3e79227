using System.Security.Claims;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Identity;

/// <summary>Personal access tokens: create (shown once), list, revoke.</summary>
internal static class TokensApi
{
    public static IEndpointRouteBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/tokens").WithTags("Tokens");
        g.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListTokens").WithSummary("List the caller's personal access tokens.");
        g.MapPost("/", Create).RequireAuthorization(Policies.Write).WithName("CreateToken").WithSummary("Create a personal access token (shown once).");
        g.MapDelete("/{tokenId}", Revoke).RequireAuthorization(Policies.Write).WithName("RevokeToken").WithSummary("Revoke a personal access token.");
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
        if (issued.Error is not null)
            return issued.NeedsTwoFactor
                ? Problems.Of(403, ProblemCodes.TwoFactorRequired, "Two-factor authentication is required", issued.Error)
                : Problems.Invalid(issued.Error);
        var r = issued.Record!;
        return TypedResults.Created($"/api/tokens/{r.Id}",
            new CreatedToken(r.Id, issued.Token!, r.Name, r.ScopeList, r.ExpiresAt, r.ParentTokenId));
    }

    /// <summary>Revokes the token and every token minted with it (transitively).</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        string tokenId, HttpContext http, TokenService tokens, GatehouseDb db, AuditLog audit, CancellationToken ct)
    {
        var user = http.User;
        var token = await tokens.FindAsync(tokenId, ct);
        // Someone else's token is "not found", not "forbidden": ids do not leak.
        if (token is null || (token.UserId != user.Id() && !user.IsAdmin())) return Problems.NotFound("Token");
        // The revocations (the token's and its descendants') and the audit entry commit together (issue 14).
        var revoked = await tokens.MarkRevokedAsync(token, ct);
        if (revoked.Count > 0)
        {
            audit.Record(db, AuditEvent.By(http, AuditActions.TokenRevoked, subject: token.Id,
                data: new { owner = token.UserId, token.Name, minted = revoked.Where(id => id != token.Id).ToList() }));
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Shared by the API and the account page. A token never gets a scope its creator does not hold right now (so a
    /// read-only token cannot mint a write token). Created with a token (the parent): never a scope the parent lacks,
    /// never past the parent's expiry (a longer lifetime is cut to it), and the
    /// parent is recorded, so revoking it revokes this one. The <c>admin</c> scope only from a console session that
    /// passed two-factor authentication: never from a token, never from a password-only session.
    /// </summary>
    internal static async Task<IssueOutcome> IssueForCallerAsync(
        HttpContext http, TokenService tokens, AuditLog audit, string? name, IEnumerable<string>? scopes, int? days, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100) return IssueOutcome.Invalid("name is required (at most 100 characters)");
        var lifetime = days is null ? TokenService.DefaultLifetime : TimeSpan.FromDays(days.Value);
        if (lifetime <= TimeSpan.Zero || lifetime > TokenService.MaxLifetime)
            return IssueOutcome.Invalid($"expiresInDays must be between 1 and {TokenService.MaxLifetime.TotalDays}");
        var held = http.User.ScopeClaims();
        var wanted = (scopes ?? held).Distinct(StringComparer.Ordinal).ToList();
        var unknown = wanted.Except(Scopes.All).ToList();
        if (unknown.Count > 0) return IssueOutcome.Invalid($"unknown scopes: {string.Join(", ", unknown)}");

        PersonalAccessToken? parent = null;
        if (http.User.FindFirst(PatAuthenticationHandler.TokenIdClaim)?.Value is { } parentId)
        {
            parent = await tokens.FindAsync(parentId, ct);
            if (parent is null) return IssueOutcome.Invalid("the token used for this request no longer exists");
            held = held.Intersect(parent.ScopeList).ToList();
        }
        var excess = wanted.Except(held).ToList();
        if (excess.Count > 0) return IssueOutcome.Invalid($"you cannot grant scopes you do not hold: {string.Join(", ", excess)}");
        if (wanted.Contains(Scopes.Admin) && !PassedTwoFactor(http.User))
            return new IssueOutcome(null, null,
                "a token with the admin scope can only be created from a console session signed in with two-factor authentication, not with a token", NeedsTwoFactor: true);
        if (wanted.Count == 0) return IssueOutcome.Invalid("at least one scope is required");

        if (parent is not null)
        {
            // Capped, not refused: the answer's expiresAt says what was granted (a 1-day token asking for 366 days gets
            // what is left of its own day), so a script minting "the same again" from a fresh token does not break.
            var remaining = parent.ExpiresAt - http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            if (remaining <= TimeSpan.Zero) return IssueOutcome.Invalid("the token used for this request has expired");
            if (lifetime > remaining) lifetime = remaining;
        }

        // The token and its audit entry commit together (issue 14), in a transaction that also covers the parent's check.
        var db = http.RequestServices.GetRequiredService<GatehouseDb>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (token, record) = tokens.Add(http.User.Id(), name.Trim(), wanted, lifetime, parent?.Id);
        audit.Record(db, AuditEvent.By(http, AuditActions.TokenIssued, subject: record.Id,
            data: new { record.Name, scopes = record.Scopes, expiresAt = record.ExpiresAt, parent = record.ParentTokenId }));
        await db.SaveChangesAsync(ct);
        if (parent is not null && (await tokens.ValidateAsync(token, ct)).Record is null)
        {
            // The parent was revoked while this one was being made (the revocation may not have seen it): nothing is kept,
            // neither the token nor its entry.
            await tx.RollbackAsync(ct);
            return IssueOutcome.Invalid("the token used for this request was revoked");
        }
        await tx.CommitAsync(ct);
        return new IssueOutcome(token, record, null);
    }

    /// <summary>A console session (not a token) whose sign-in included the second factor (Identity's <c>amr=mfa</c>).</summary>
    internal static bool PassedTwoFactor(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, AuthenticationType: var type } && type == IdentityConstants.ApplicationScheme
        && user.HasClaim(TwoFactorApi.AmrClaim, TwoFactorApi.AmrMfa);
}

/// <summary>What <see cref="TokensApi.IssueForCallerAsync"/> made, or why not.</summary>
internal sealed record IssueOutcome(string? Token, PersonalAccessToken? Record, string? Error, bool NeedsTwoFactor = false)
{
    public static IssueOutcome Invalid(string error) => new(null, null, error);
}

internal sealed record CreateTokenRequest(string Name, IReadOnlyList<string>? Scopes, int? ExpiresInDays);
internal sealed record CreatedToken(string Id, string Token, string Name, IReadOnlyList<string> Scopes, DateTimeOffset ExpiresAt, string? ParentId);
internal sealed record TokenInfo(string Id, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, string? LastUsedFrom, string? ParentId)
{
    public static TokenInfo From(PersonalAccessToken t) =>
        new(t.Id, t.Name, t.ScopeList, t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt, t.LastUsedFrom, t.ParentTokenId);
}
