namespace Gatehouse.Analysis.Usage;

/// <summary>
/// What a detector reads for one app: its per-minute aggregates (typically the last 28 days), its granted scopes and
/// when each scope was last used. Rows of other apps are ignored by the detectors, so a mixed-up feed cannot blame the wrong app.
/// </summary>
/// <param name="AppId">The app.</param>
/// <param name="Minutes">The aggregates, in any order.</param>
/// <param name="GrantedScopes">The scopes the app holds.</param>
/// <param name="ScopesLastUsed">When each scope was last seen used; a scope not in it was never seen used.</param>
public sealed record UsageWindow(
    string AppId,
    IReadOnlyList<UsageMinute> Minutes,
    IReadOnlyList<GrantedScope> GrantedScopes,
    IReadOnlyDictionary<string, DateTimeOffset> ScopesLastUsed)
{
    /// <summary>An app with no data at all.</summary>
    public static UsageWindow Empty(string appId) =>
        new(appId, [], [], new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal));
}
