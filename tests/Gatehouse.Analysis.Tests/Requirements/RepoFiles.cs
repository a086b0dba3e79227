namespace Gatehouse.Analysis.Tests.Requirements;

/// <summary>Paths in the repository checkout the tests run from.</summary>
internal static class RepoFiles
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Gatehouse.slnx"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("not run from a checkout: Gatehouse.slnx not found");
        }
    }

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
