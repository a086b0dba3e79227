using Gatehouse.Analysis.Vulnerabilities.Matching;

namespace Gatehouse.Server.Advisories;

/// <summary>
/// The answer of <c>GET /api/advisories/status</c>: how current the server's advisory store is. <see cref="Stale"/> when the
/// newest <c>modified</c> of all advisories is older than <c>Advisories:StaleAfter</c>, or the store is empty.
/// </summary>
/// <param name="Advisories">Advisories held (withdrawn ones included).</param>
/// <param name="LastImport">When the last import into the store finished (upload or scheduled); null: never.</param>
/// <param name="NewestModified">The newest <c>modified</c> over every ecosystem; null when empty.</param>
/// <param name="StaleAfter">The setting <see cref="Stale"/> is judged by.</param>
/// <param name="Ecosystems">Per OSV ecosystem: advisories and the newest <c>modified</c>, by name.</param>
internal sealed record AdvisoryStatusInfo(long Advisories, DateTimeOffset? LastImport, DateTimeOffset? NewestModified, bool Stale,
    TimeSpan StaleAfter, IReadOnlyList<EcosystemStatus> Ecosystems)
{
    /// <summary>Judges <paramref name="status"/> at <paramref name="now"/>.</summary>
    public static AdvisoryStatusInfo From(AdvisoryStoreStatus status, TimeSpan staleAfter, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        var newest = status.Ecosystems.Select(e => e.NewestModified).Where(m => m is not null).Max();
        var stale = newest is not { } n || now - n > staleAfter;
        return new AdvisoryStatusInfo(status.Advisories, status.LastImport, newest, stale, staleAfter,
            [.. status.Ecosystems.OrderBy(e => e.Ecosystem, StringComparer.Ordinal)]);
    }
}
