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
public sealed class PatAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenService tokens,
    UserManager<GatehouseUser> users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Pat";
    public const string TokenIdClaim = "token_id";
    private const string FailureKey = "gatehouse.auth.failure";

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

    private AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureKey] = reason;
        Logger.LogInformation("Bearer token refused: {Reason}", reason);
        return AuthenticateResult.Fail(reason);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var presented = Context.Items.ContainsKey(FailureKey);
        // RFC 6750 §3: tell the client a token was bad, without saying why.
        Response.Headers.WWWAuthenticate = presented ? "Bearer error=\"invalid_token\"" : "Bearer";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var code = presented ? ProblemCodes.InvalidToken : ProblemCodes.Unauthenticated;
        var title = presented ? "The access token is not valid" : "Authentication is required";
        await Problems.Of(401, code, title).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Problems.Of(403, ProblemCodes.Forbidden, "Forbidden",
            "The token's owner or scopes do not allow this.").ExecuteAsync(Context);
    }
}
