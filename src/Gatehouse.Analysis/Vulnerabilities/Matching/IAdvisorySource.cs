using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Matching;

/// <summary>
/// Advisories to match packages against, read locally (never the network during a scan). The CLI's store lives under the
/// user's data folder (<c>--advisories DIR</c>), the server's under its data folder; both are the same
/// <c>AdvisoryStore</c>.
/// </summary>
public interface IAdvisorySource
{
    /// <summary>
    /// Every (package, advisory) pair where the advisory affects the package's version, withdrawn advisories excluded.
    /// A pair the store could not decide (a version or range the ecosystem's scheme cannot read) is returned with
    /// <see cref="AdvisoryMatch.Uncertain"/> set, never dropped.
    /// </summary>
    IReadOnlyList<AdvisoryMatch> Match(IReadOnlyList<CatalogedPackage> packages, CancellationToken ct);

    /// <summary>How current the store is: advisories per ecosystem and the newest <c>modified</c> of each.</summary>
    AdvisoryStoreStatus Status();

    /// <summary>
    /// True when the source holds no advisory at all (never imported): matching against it proves nothing, so a policy that
    /// requires the <c>vulnerabilities</c> engine treats it as unavailable. Cheap where the store can tell (one row).
    /// </summary>
    bool IsEmpty => Status().Advisories == 0;
}
