namespace Gatehouse.Analysis.Charts;

/// <summary>How findings about a chart are placed: the template inside the artifact, then the object after <c>#</c>.</summary>
public static class ChartPaths
{
    /// <summary><c>demo-0.1.0.tgz!/templates/deployment.yaml#Deployment/demo</c>; the console groups findings per object by the part after <c>#</c>.</summary>
    public static string Of(string root, RenderedObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return $"{root}!/{obj.Template}#{obj.Id}";
    }

    /// <summary>The object part of a finding's path (after the last <c>#</c>), or null for a finding about the chart as a whole.</summary>
    public static string? ObjectOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var i = path.LastIndexOf('#');
        return i < 0 ? null : path[(i + 1)..];
    }
}
