using Gatehouse.Server.Data;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Security;

/// <summary>
/// What a refused request could have changed, as one comparable string: the audit entries (refusal summaries aside;
/// every change commits with its entry) and the counts of the objects a caller could create or remove.
/// </summary>
internal static class SecurityFootprint
{
    public static Task<string> OfAsync(GatehouseApp app) => app.WithScopeAsync(async sp =>
    {
        var db = sp.GetRequiredService<GatehouseDb>();
        return string.Join(",",
            await db.AuditEntries.CountAsync(a => !a.Action.StartsWith("security.refused")),
            await db.PersonalAccessTokens.CountAsync(t => t.RevokedAt == null),
            await db.Organizations.CountAsync(),
            await db.Apps.CountAsync(),
            await db.AppVersions.CountAsync(),
            await db.ApiKeys.CountAsync(),
            await db.WebhookEndpoints.CountAsync(),
            await db.Users.CountAsync());
    });
}
