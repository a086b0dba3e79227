using System.Text;
using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Analysis.Vulnerabilities.Catalogers;
using Gatehouse.Analysis.Vulnerabilities.Sbom;
using Gatehouse.Analysis.Vulnerabilities.Vex;
using Gatehouse.Fuzz;

namespace Gatehouse.Analysis.Tests.Fuzz;

/// <summary>
/// What the fuzzing campaign of issue 21 found (docs/fuzzing.md), each as the smallest input that showed it, made in code.
/// JSON strings that are no text (bytes that are no UTF-8, an escaped lone surrogate) made <c>JsonElement.GetString</c>
/// throw <see cref="InvalidOperationException"/> inside readers that catch only <c>JsonException</c>; YamlDotNet's scanner
/// throws the same for some broken flow mappings; a Pipfile.lock version that is a number did too. Each now ends in the
/// parser's own error.
/// </summary>
public sealed class FuzzRegressionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-fuzz-regress-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // "\ud800": a high surrogate with no low one, escaped, so the JSON itself is well-formed.
    private const string LoneSurrogate = "\\ud800";

    private static readonly byte[] NotUtf8 = [0xC3, 0x28];

    private static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] WithBytes(string before, byte[] bytes, string after) => [.. Json(before), .. bytes, .. Json(after)];

    private string Write(byte[] bytes)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".tar");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private void AssertUnreadableImage(byte[] tar)
    {
        var e = Assert.Throws<ImageException>(() => ImageArchive.Open(Write(tar), ImagePolicy.Default).Dispose());
        Assert.Equal("image.unreadable", e.Code);
    }

    [Fact]
    public void An_image_index_whose_media_type_is_not_utf8_is_unreadable()
    {
        var index = WithBytes("""{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json""", NotUtf8, "\"}]}");

        AssertUnreadableImage(SeedFiles.Tar(ImageSeeds.OciFiles(index: index)));
    }

    [Fact]
    public void An_image_manifest_with_a_lone_surrogate_is_unreadable()
    {
        var manifest = Json($$"""{"schemaVersion":2,"mediaType":"{{LoneSurrogate}}","config":{},"layers":[]}""");

        AssertUnreadableImage(SeedFiles.Tar(ImageSeeds.OciFiles(manifest: manifest)));
    }

    [Fact]
    public void A_docker_archive_manifest_with_a_lone_surrogate_is_unreadable()
    {
        var manifestJson = Json($$"""[{"Config":"{{LoneSurrogate}}","RepoTags":["demo/app:1.0"],"Layers":["x/layer.tar"]}]""");

        AssertUnreadableImage(SeedFiles.Tar(ImageSeeds.DockerFiles(manifestJson)));
    }

    [Fact]
    public void A_package_lock_that_is_not_utf8_is_a_problem_not_an_exception()
    {
        var json = WithBytes("""{"lockfileVersion":3,"packages":{"node_modules/x":{"version":"1.0.0""", NotUtf8, "\"}}}");

        var packages = NpmLockCataloger.Parse(json, "package-lock.json", out var problem);

        Assert.Empty(packages);
        Assert.NotNull(problem);
    }

    [Fact]
    public void A_packages_lock_with_a_lone_surrogate_name_is_a_problem_not_an_exception()
    {
        var json = Json("{\"version\":1,\"dependencies\":{\"net8.0\":{\"" + LoneSurrogate + "\":{\"type\":\"Direct\",\"resolved\":\"1.0.0\"}}}}");

        var packages = NuGetCataloger.Parse(json, "packages.lock.json", out var problem);

        Assert.Empty(packages);
        Assert.NotNull(problem);
    }

    [Fact]
    public void A_pnpm_lock_with_a_broken_flow_mapping_is_not_valid_yaml()
    {
        var packages = PnpmLockCataloger.Parse("a: { false\n\nb\n", "pnpm-lock.yaml", out var problem);

        Assert.Empty(packages);
        Assert.StartsWith("not valid YAML", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pnpm_lock_that_yamldotnet_cannot_load_into_nodes_is_not_valid_yaml()
    {
        // A control character in a plain scalar of an implicit key: YamlDotNet's node loader throws ArgumentException.
        var packages = PnpmLockCataloger.Parse("lockfilekercpalef)-pad/1\u001f3.0:\n  : ^\u0004\n", "pnpm-lock.yaml", out var problem);

        Assert.Empty(packages);
        Assert.StartsWith("not valid YAML", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pipfile_lock_version_that_is_a_number_is_skipped()
    {
        var packages = PythonCataloger.Parse("pipfile-lock", """{"default":{"requests":{"version":2},"six":{"version":"==1.16.0"}}}""", "Pipfile.lock", out var problem);

        Assert.Null(problem);
        Assert.Equal("six", Assert.Single(packages).Name);
    }

    [Fact]
    public void A_composer_lock_with_a_lone_surrogate_is_a_problem_not_an_exception()
    {
        var packages = LockfileCatalogers.Parse("composer-lock", $$"""{"packages":[{"name":"{{LoneSurrogate}}","version":"1.0.0"}]}""", "composer.lock", out var problem);

        Assert.Empty(packages);
        Assert.NotNull(problem);
    }

    [Fact]
    public void A_node_package_json_with_a_lone_surrogate_names_no_package()
    {
        Assert.Null(ManifestCatalogers.Parse("node-package", $$"""{"name":"{{LoneSurrogate}}","version":"1.0.0"}""", "node_modules/x/package.json"));
    }

    [Fact]
    public void A_cyclonedx_sbom_with_a_lone_surrogate_is_invalid()
    {
        var result = CycloneDxReader.Read(Json($$"""{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"{{LoneSurrogate}}"}]}"""));

        Assert.Equal(SbomReadError.Invalid, result.Error?.Code);
    }

    [Fact]
    public void A_vex_document_with_a_lone_surrogate_is_invalid()
    {
        var result = VexDocument.Parse(Json($$"""{"@context":"https://openvex.dev/ns/v0.2.0","@id":"{{LoneSurrogate}}","statements":[]}"""));

        Assert.Equal(VexParseError.Invalid, result.Error?.Code);
    }

    [Fact]
    public void Answers_with_a_lone_surrogate_are_a_format_error()
    {
        Assert.Throws<AnswersFormatException>(() => QuestionnaireAnswers.Parse($$"""{"Q-CTR-1":"{{LoneSurrogate}}"}"""));
    }
}
