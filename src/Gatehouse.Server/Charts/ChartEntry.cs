namespace Gatehouse.Server.Charts;

/// <summary>
/// One published chart version a tenant gets, as the repository lists it.
/// </summary>
/// <param name="AppId">The app it belongs to (entries of different apps never merge under one name).</param>
/// <param name="AppSlug">The app's slug (qualifies the name when two apps' charts share it).</param>
/// <param name="VersionId">The app version; part of the download URL.</param>
/// <param name="Chart">Chart.yaml's name, version and appVersion.</param>
/// <param name="Description">The app's name in Gatehouse (Chart.yaml's description is not in the scan's summary).</param>
/// <param name="DigestHex">SHA-256 of the chart <c>.tgz</c> (the version's artifact), lower-case hex.</param>
/// <param name="Created">When the version was published.</param>
internal sealed record ChartEntry(Guid AppId, string AppSlug, Guid VersionId, ChartIdentity Chart, string? Description, string DigestHex, DateTimeOffset Created)
{
    /// <summary>The file name helm saves it as: <c>{name}-{version}.tgz</c>.</summary>
    public string FileName => $"{Chart.Name}-{Chart.Version}.tgz";

    /// <summary>The download URL relative to the repository (<c>/charts/</c>): Helm resolves it against the URL it was added with.</summary>
    public string RelativeUrl => $"v/{VersionId:D}/{Uri.EscapeDataString(FileName)}";
}
