namespace Gatehouse.Analysis.Analyzers.Dependencies;

/// <summary>Which cataloger family reads a file (<see cref="DependencyFiles.Classify"/>).</summary>
internal enum DependencyFormat
{
    NpmLock,
    PnpmLock,
    NuGet,
    Nuspec,
    Dpkg,
    Apk,
    RpmDb,
    PomXml,
    Release,
    Python,
    Lockfile,
    TextLock,
    Manifest,
}
