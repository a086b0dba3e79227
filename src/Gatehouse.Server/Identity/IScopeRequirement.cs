using Microsoft.AspNetCore.Authorization;

namespace Gatehouse.Server.Identity;

/// <summary>
/// A requirement met by a token scope. A refusal for one answers <c>auth.insufficient-scope</c> naming
/// <see cref="Scope"/> (<see cref="ScopeAwareAuthorizationResultHandler"/>), not <c>auth.forbidden</c>.
/// </summary>
internal interface IScopeRequirement : IAuthorizationRequirement
{
    /// <summary>The scope the caller's token lacks when the requirement fails.</summary>
    string Scope { get; }
}
