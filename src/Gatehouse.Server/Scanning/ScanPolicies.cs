using Gatehouse.Analysis.Pipeline;
using Gatehouse.Server.Listing;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Scanning;

/// <summary>
/// The engine policy that judges a scan and the version it belongs to: the analysis section of the listing
/// policy version they were submitted under when it has one, else the server's engine policy
/// (<c>Scanning:PolicyFile</c>, else the engine's defaults). The scan runner and the version's verdict after
/// suppressions both ask here, so a scan and its version are judged by the same thresholds.
/// </summary>
public sealed class ScanPolicies(ListingPolicies listing, IOptions<ScanningOptions> options)
{
    /// <summary>The policy of a scan, by the listing policy version it names.</summary>
    public Task<Policy> ForAsync(Scan scan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        return ForAsync(scan.PolicyVersion, ct);
    }

    /// <summary>
    /// The policy of listing policy version <paramref name="policyVersion"/> (a version's or a scan's), or the
    /// server's engine policy when there is none or it has no analysis section.
    /// </summary>
    public async Task<Policy> ForAsync(int? policyVersion, CancellationToken ct)
    {
        if (policyVersion is { } v)
        {
            var listed = await listing.GetAsync(v, ct) ?? throw new InvalidOperationException($"listing policy version {v} does not exist");
            if (listed.Policy.Analysis is { } analysis) return analysis;
        }
        var file = options.Value.PolicyFile;
        return string.IsNullOrWhiteSpace(file) ? Policy.Default : PolicyFile.Load(file);
    }
}
