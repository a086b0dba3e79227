using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Analysis.Vulnerabilities.Sbom;
using Gatehouse.Server.Data.Blobs;

namespace Gatehouse.Server.Scanning;

/// <summary>
/// SBOMs in the blob store: the CycloneDX 1.6 document of what a scan found (<see cref="Scan.SbomBlob"/>), written with its
/// results, and SBOMs read back (a stored one to match again, a vendor's to compare), always through the bounded
/// <see cref="CycloneDxReader"/>. Content-addressed, so writing the same document twice stores it once.
/// </summary>
internal sealed class ScanSboms(IBlobStore blobs, TimeProvider time)
{
    /// <summary>The file name SBOM downloads carry.</summary>
    public const string FileName = "sbom.cdx.json";

    /// <summary>Largest SBOM the server reads or accepts from a vendor (bytes); real ones of large images reach tens of MB.</summary>
    public const long MaxBytes = 32L * 1024 * 1024;

    /// <summary>Writes the SBOM of <paramref name="packages"/> found in <paramref name="scan"/>'s artifact; returns the blob.</summary>
    public async Task<BlobRef> WriteAsync(Scan scan, IReadOnlyList<CatalogedPackage> packages, IReadOnlyList<AdvisoryMatch>? matches, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var sha256 = scan.BlobDigest.StartsWith(BlobDigest.Prefix, StringComparison.Ordinal) ? scan.BlobDigest[BlobDigest.Prefix.Length..] : scan.BlobDigest;
        var subject = new SbomSubject(scan.FileName, null, sha256, SbomSubject.TypeForAppType(scan.ArtifactType));
        var bytes = CycloneDxWriter.ToBytes(subject, packages, matches, scan.CreatedAt == default ? time.GetUtcNow() : scan.CreatedAt);
        using var content = new MemoryStream(bytes, writable: false);
        return await blobs.PutAsync(content, ct);
    }

    /// <summary>Reads the SBOM stored as <paramref name="digest"/>; null when there is no such blob.</summary>
    /// <param name="source">Names the SBOM for components that name no file of their own.</param>
    public async Task<SbomReadResult?> ReadAsync(string digest, string source, CancellationToken ct)
    {
        if (!BlobDigest.IsValid(digest)) return null;
        await using var stream = await blobs.OpenReadAsync(digest, ct);
        if (stream is null) return null;
        // The reader is synchronous over a stream; buffer it (bounded) so it never blocks on a remote store.
        using var buffer = new MemoryStream();
        await new LimitedReadStream(stream, MaxBytes).CopyToAsync(buffer, ct);
        return CycloneDxReader.Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), source, MaxBytes);
    }
}
