using Gatehouse.Analysis.Charts;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// Helm charts in <c>gatehouse submit</c> (issue 18): <c>--artifact</c> takes a chart <c>.tgz</c> (as <c>helm package</c>
/// makes it, uploaded as is) or a chart folder (it has a <c>Chart.yaml</c>), packed into a <c>.tgz</c> first with the same
/// deterministic packing as <c>gatehouse check</c> (<see cref="ChartArchive.Pack"/>), so both report the same SHA-256.
/// </summary>
internal static partial class SubmitCommand
{
    /// <summary>
    /// A chart folder packed into a private temporary <c>.tgz</c> named <c>{name}-{version}.tgz</c> as <c>gatehouse check</c>
    /// names it (<see cref="ChartInput.ArtifactName"/>), so both report the same paths; null when the folder has no
    /// Chart.yaml. The caller deletes the file's folder. A folder the packer refuses (a symlink, over the limits) is a usage error.
    /// </summary>
    internal static Task<FileInfo?> PackChartAsync(DirectoryInfo folder, CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(folder.FullName, "Chart.yaml"))) return Task.FromResult<FileInfo?>(null);
        var scratch = Path.Combine(Path.GetTempPath(), $"gatehouse-{Guid.NewGuid():N}");
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(scratch);
        else Directory.CreateDirectory(scratch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var target = Path.Combine(scratch, ChartInput.ArtifactName(folder.FullName));
        try
        {
            ct.ThrowIfCancellationRequested();
            ChartArchive.Pack(folder.FullName, target, ChartPolicy.Default);
        }
        catch (ChartException e)
        {
            Directory.Delete(scratch, recursive: true);
            throw new CliException(ExitCodes.Usage, e.Code, $"--artifact {folder.FullName}: {e.Message}");
        }
        return Task.FromResult<FileInfo?>(new FileInfo(target));
    }
}
