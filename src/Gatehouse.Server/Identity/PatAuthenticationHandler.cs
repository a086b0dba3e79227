using System.Security.Claims;
using System.Text.Encodings.Web;
using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Identity;

/// <summary>
/// <c>Authorization: Bearer gatehouse_pat_…</c>. The user's current roles are loaded on every request,
/// so a role change or lock-out takes effect at once; the token's scopes are cut down to what those
/// roles allow.
/// </summary>
internal sealed class PatAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenService tokens,
    UserManager<GatehouseUser> users)
    : BearerCredentialHandler(options, logger, encoder)
{
    public const string SchemeName = "Pat";
    public const string TokenIdClaim = "token_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var presented = header["Bearer ".Length..].Trim();
        var (record, failure) = await tokens.ValidateAsync(presented, Context.RequestAborted);
        if (record is null) return Fail($"token {failure}");

        var user = await users.FindByIdAsync(record.UserId);
        if (user is null) return Fail("token owner no longer exists");
        if (await users.IsLockedOutAsync(user)) return Fail("token owner is locked out");

        var roles = await users.GetRolesAsync(user);
        var allowed = Scopes.AllowedFor(roles);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.UserName ?? user.Id),
            new(TokenIdClaim, record.Id),
        };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(record.ScopeList.Where(allowed.Contains).Select(s => new Claim(Scopes.ClaimType, s)));

        await tokens.TouchAsync(record, Context.Connection.RemoteIpAddress?.ToString(), Context.RequestAborted);
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override string CredentialName => "Bearer token";
    protected override string InvalidTitle => "The access token is not valid";
    protected override string ForbiddenDetail => "The token's owner or scopes do not allow this.";
    protected override string RefusalReason => Audit.RefusalReasons.PatRefused;
}
