using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Identity;

/// <summary>
/// Tells a signed-in caller whether they were refused for a missing token scope
/// (<c>auth.insufficient-scope</c>, RFC 6750 §3.1) or for who they are (<c>auth.forbidden</c>).
/// </summary>
internal sealed class ScopeAwareAuthorizationResultHandler(Audit.SecurityRefusals refusals, IOptions<ApiPaths> apiPaths) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated == true
            && apiPaths.Value.Contains(context.Request.Path))
        {
            var missing = authorizeResult.AuthorizationFailure?.FailedRequirements
                .OfType<ClaimsAuthorizationRequirement>()
                .Where(r => r.ClaimType == Scopes.ClaimType)
                .SelectMany(r => r.AllowedValues ?? [])
                .Concat(authorizeResult.AuthorizationFailure.FailedRequirements.OfType<IScopeRequirement>().Select(r => r.Scope))
                .ToList() ?? [];
            var roleFailed = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<RolesAuthorizationRequirement>().Any() == true;
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            if (missing.Count > 0 && !roleFailed)
            {
                refusals.Record(context, Audit.RefusalReasons.AuthInsufficientScope, $"{context.Request.Method} {context.Request.Path.Value}");
                context.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{string.Join(' ', missing)}\"";
                await Problems.Of(403, ProblemCodes.InsufficientScope, "The token lacks a scope this needs",
                    $"required scope: {string.Join(" or ", missing)}").ExecuteAsync(context);
            }
            else
            {
                refusals.Record(context, Audit.RefusalReasons.AuthForbidden, $"{context.Request.Method} {context.Request.Path.Value}");
                await Problems.Of(403, ProblemCodes.Forbidden, "Forbidden", "Your role does not allow this.").ExecuteAsync(context);
            }
            return;
        }
        // Console pages: the cookie handler answers the 403.
        if (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated == true)
            refusals.Record(context, Audit.RefusalReasons.AuthForbidden, $"{context.Request.Method} {context.Request.Path.Value}");
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
