using Gatehouse.Analysis.Usage;

namespace Gatehouse.Server.Usage;

/// <summary>
/// Scopes granted to apps by a credential kind usage detection cannot read itself (API keys: the API keys feature uses
/// usage, so usage may not use it). Registered by the owning feature; every registered source is asked.
/// </summary>
internal interface IUsageGrantSource
{
    /// <summary>The unrevoked grants of each app in <paramref name="appIds"/> (empty list for none).</summary>
    Task<IReadOnlyList<(Guid AppId, GrantedScope Grant)>> GrantsAsync(IReadOnlyCollection<Guid> appIds, CancellationToken ct);
}
