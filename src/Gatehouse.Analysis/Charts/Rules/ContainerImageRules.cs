using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts.Rules;

/// <summary>
/// The images containers run: a moving tag (<c>latest</c> or none) and a reference without a digest. References are parsed
/// with the engine's <see cref="ImageReference"/> grammar, so a registry's port is never taken for a tag
/// (<c>127.0.0.1:5000/app</c> has no tag).
/// </summary>
internal static class ContainerImageRules
{
    public static readonly RuleDescriptor ImageTag = new(
        "k8s.image-tag", "Image tag is latest or missing", Severity.Medium, "GH-CTR-4",
        "A container's image names no tag (which means latest) or the tag latest, and no digest: what runs changes whenever "
        + "the tag moves. Reference the image by digest (image@sha256:...), or at least by a fixed version tag.");

    public static readonly RuleDescriptor ImageNotPinned = new(
        "chart.image-not-pinned", "Image not pinned by digest", Severity.Medium, "GH-CTR-4",
        "A container's image is referenced by tag only, without @sha256:..., so the registry decides what runs and it can "
        + "differ from what was reviewed and approved. Reference it as registry/repo@sha256:... (a tag may stay in front).");

    public static IReadOnlyList<RuleDescriptor> All { get; } = [ImageTag, ImageNotPinned];

    public static IEnumerable<ManifestFinding> Check(PodTemplate pod)
    {
        foreach (var c in pod.AllContainers())
        {
            if (Json.Str(c.Node, "image") is not { } image) continue; // a missing image is the schema validation's finding
            var field = $"{c.Path}.image";
            var evidence = $"image: {image}";
            if (!ImageReference.TryParse(image, out var reference, out var error))
            {
                yield return ManifestRules.Found(ImageTag, pod.Object, field,
                    $"The {c.Label}'s image '{image}' is not a valid image reference ({error}): name it as registry/repo@sha256:<digest>.", evidence);
                continue;
            }
            if (reference!.Digest is not null) continue;
            if (reference.Tag is null or "latest")
                yield return ManifestRules.Found(ImageTag, pod.Object, field,
                    reference.Tag is null
                        ? $"The {c.Label}'s image {image} names no tag (so latest) and no digest: reference it by digest (@sha256:<digest>)."
                        : $"The {c.Label}'s image {image} uses the tag latest: reference it by digest (@sha256:<digest>).",
                    evidence);
            yield return ManifestRules.Found(ImageNotPinned, pod.Object, field,
                $"The {c.Label}'s image {image} is not pinned by digest: reference it as {reference.Registry}{(reference.Registry is null ? "" : "/")}{reference.Repository}@sha256:<digest>.",
                evidence);
        }
    }
}
