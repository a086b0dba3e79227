using Gatehouse.Server.Apps;

namespace Gatehouse.Server.Downloads;

/// <summary>
/// Adds <c>Link</c> headers to a served download for what belongs to the file (its Sigstore bundle and approval ticket).
/// Implemented by signing (<c>Signing/DownloadSignatureLinks.cs</c>), so downloads do not depend on how files are signed.
/// </summary>
internal interface IDownloadLinks
{
    /// <summary>Adds the links; <paramref name="downloadPath"/> is the served URL's path (its query is the caller's grant).</summary>
    Task AddAsync(HttpContext http, AppVersion version, string downloadPath, CancellationToken ct);
}
