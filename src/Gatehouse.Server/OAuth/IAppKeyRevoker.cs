namespace Gatehouse.Server.OAuth;

/// <summary>
/// Revokes an app's API keys for the kill switch and for uninstalls. Implemented by the API keys feature, so the gate
/// needs no knowledge of keys.
/// </summary>
public interface IAppKeyRevoker
{
    /// <summary>
    /// Marks the unrevoked keys of <paramref name="appId"/> (of one tenant, or all when <paramref name="tenantId"/> is
    /// null) revoked at <paramref name="now"/> in the context, unsaved, and returns their ids.
    /// </summary>
    Task<string[]> RevokeAsync(Guid appId, Guid? tenantId, DateTimeOffset now, CancellationToken ct);
}
