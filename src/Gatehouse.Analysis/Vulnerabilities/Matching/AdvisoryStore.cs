using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Matching;

/// <summary>
/// The local advisory store (issue 16, item 3): OSV records imported from files, folders or OSV's per-ecosystem zip
/// exports into one SQLite database under a folder (<c>advisories.db</c>), indexed by ecosystem and normalised package
/// name, and matched against packages without touching the network. Imports are incremental by <c>modified</c> (a record
/// replaces the stored one only when newer), commit in batches (a killed import leaves a consistent store) and are
/// bounded per record (<see cref="Osv.OsvParser"/>'s limits; invalid records are counted, never fatal).
/// Thread-safe: matches may run while an import is in progress (they see the last committed batch).
/// </summary>
public sealed class AdvisoryStore : IAdvisorySource, IDisposable
{
    private AdvisoryStore()
    {
    }

    /// <summary>
    /// Opens (creating when missing, folder mode 0700) the store in <paramref name="directory"/>.
    /// <paramref name="time"/> stamps imports (<see cref="AdvisoryStoreStatus.LastImport"/>).
    /// </summary>
    public static AdvisoryStore Open(string directory, TimeProvider time) => throw new NotImplementedException();

    /// <summary>
    /// Imports a <c>.json</c> OSV record, a folder of them (recursively; <c>.json</c> and <c>.zip</c> files), or a
    /// <c>.zip</c> of records (OSV's <c>all.zip</c> per ecosystem). <paramref name="progress"/> receives the number of
    /// records read so far. Throws <see cref="FileNotFoundException"/>/<see cref="DirectoryNotFoundException"/> when
    /// <paramref name="path"/> does not exist; a record that is not valid OSV is counted in
    /// <see cref="AdvisoryImportResult.Invalid"/>.
    /// </summary>
    public AdvisoryImportResult Import(string path, IProgress<long>? progress, CancellationToken ct) => throw new NotImplementedException();

    /// <summary>
    /// Imports uploaded content (the server's admin API): a zip of records or a single JSON record, told apart by content
    /// (the zip signature), not by <paramref name="name"/>, which only names the source in problems.
    /// </summary>
    public AdvisoryImportResult Import(Stream content, string name, CancellationToken ct) => throw new NotImplementedException();

    /// <inheritdoc />
    public IReadOnlyList<AdvisoryMatch> Match(IReadOnlyList<CatalogedPackage> packages, CancellationToken ct) => throw new NotImplementedException();

    /// <inheritdoc />
    public AdvisoryStoreStatus Status() => throw new NotImplementedException();

    /// <summary>Closes the database.</summary>
    public void Dispose()
    {
    }
}
