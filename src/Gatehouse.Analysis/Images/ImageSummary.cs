namespace Gatehouse.Analysis.Images;

/// <summary>The image part of a scan report (issue 17): what the reviewer's page shows about the image.</summary>
public sealed record ImageSummary(
    string ManifestDigest,
    string ConfigDigest,
    string Platform,
    string Format,
    string? Reference,
    string? User,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> ExposedPorts,
    IReadOnlyList<string>? Entrypoint,
    IReadOnlyList<string>? Cmd,
    IReadOnlyList<string>? Healthcheck,
    IReadOnlyList<ImageLayerSummary> Layers)
{
    /// <summary>The summary of <paramref name="image"/>.</summary>
    public static ImageSummary Of(ContainerImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var c = image.Config;
        return new ImageSummary(image.ManifestDigest, image.ConfigDigest, image.Platform.ToString(), image.Format, image.Reference,
            c.User, c.Labels, c.ExposedPorts, c.Entrypoint, c.Cmd, c.Healthcheck?.Test,
            image.Layers.Select(l => new ImageLayerSummary(l.Index, l.Digest, l.DiffId, l.Size, l.CreatedBy)).ToList());
    }
}

/// <summary>One layer in <see cref="ImageSummary"/>.</summary>
public sealed record ImageLayerSummary(int Index, string Digest, string DiffId, long Size, string? CreatedBy);
