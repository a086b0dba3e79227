using System.Text.Encodings.Web;
using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Identity;

/// <summary>
/// What every bearer credential of ours (personal access tokens, API keys) answers alike: a refused
/// credential is logged with its reason and answered 401 <c>invalid_token</c> without saying why (RFC 6750
/// §3); a missing one 401 <c>unauthenticated</c>; a credential that may not do something 403, as problem details.
/// </summary>
internal abstract class BearerCredentialHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>What the credential is called in logs ("API key").</summary>
    protected abstract string CredentialName { get; }
    /// <summary>The 401 title when a credential was presented but refused.</summary>
    protected abstract string InvalidTitle { get; }
    /// <summary>The 403 detail.</summary>
    protected abstract string ForbiddenDetail { get; }
    /// <summary>The security-refusal reason a refused credential is recorded under (<see cref="Audit.RefusalReasons"/>).</summary>
    protected abstract string RefusalReason { get; }

    private string FailureKey => "gatehouse.auth.failure." + Scheme.Name;

    protected AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureKey] = reason;
        Logger.LogInformation("{Credential} refused: {Reason}", CredentialName, reason);
        return AuthenticateResult.Fail(reason);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var presented = Context.Items.TryGetValue(FailureKey, out var failure);
        // Recorded here, not in Fail: the default scheme also runs on /platform, where an OAuth access token is
        // "not a personal access token" but is judged by the platform scheme; only a refusal that answers counts.
        if (presented)
            Context.RequestServices.GetRequiredService<Audit.SecurityRefusals>().Record(Context, RefusalReason, $"{Request.Path.Value}: {failure}");
        Response.Headers.WWWAuthenticate = presented ? "Bearer error=\"invalid_token\"" : "Bearer";
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var code = presented ? ProblemCodes.InvalidToken : ProblemCodes.Unauthenticated;
        var title = presented ? InvalidTitle : "Authentication is required";
        await Problems.Of(401, code, title).ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Problems.Of(403, ProblemCodes.Forbidden, "Forbidden", ForbiddenDetail).ExecuteAsync(Context);
    }
}
