using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Images.Reading;
using static Gatehouse.Fuzz.SeedFiles;

namespace Gatehouse.Fuzz;

/// <summary>
/// The container image reader: OCI layout and docker-archive tars, their index, manifests and config. Its documented
/// error is <see cref="ImageException"/> (<c>image.*</c> codes); anything else is a crash.
/// </summary>
internal static class ImageHarness
{
    /// <summary>Small limits so a decompression or size bomb is refused quickly (the checks are the same).</summary>
    private static readonly ImagePolicy FuzzPolicy = new()
    {
        Platforms = ["linux/amd64"],
        MaxImageBytes = 16L << 20,
        MaxLayerBytes = 8L << 20,
        MaxJsonBytes = 1 << 20,
        MaxLayers = 64,
        MaxFiles = 10_000,
    };

    private static readonly Lazy<string> TempFile = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), "gatehouse-fuzz-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, "image.tar");
    });

    /// <summary><c>ImageArchive.Open</c> on the bytes as a tar (either format, gzip or not), then every blob read through its verifying stream.</summary>
    public static void Open(byte[] tar)
    {
        File.WriteAllBytes(TempFile.Value, tar);
        try
        {
            ImageArchive.IsImage(TempFile.Value);
            using var archive = ImageArchive.Open(TempFile.Value, FuzzPolicy);
            foreach (var layer in archive.Image.Layers)
            {
                using var blob = archive.OpenBlob(layer.Digest);
                blob.CopyTo(Stream.Null);
            }
            ImageConfigParser.Parse(archive.ConfigBytes);
        }
        catch (ImageException)
        {
        }
    }

    /// <summary>The input is the layout's <c>index.json</c>; the blobs are the seed image's.</summary>
    public static void Index(byte[] index) => Open(Tar(ImageSeeds.OciFiles(index: index)));

    /// <summary>The input is the image manifest; index.json names it by its true digest, so the parser sees it.</summary>
    public static void Manifest(byte[] manifest) => Open(Tar(ImageSeeds.OciFiles(manifest: manifest)));

    /// <summary>The input is the config blob; the manifest and index name it by its true digest.</summary>
    public static void Config(byte[] config)
    {
        try
        {
            ImageConfigParser.Parse(config);
        }
        catch (ImageException)
        {
        }
        Open(Tar(ImageSeeds.OciFiles(config: config)));
    }

    /// <summary>The input is a docker-archive's <c>manifest.json</c>.</summary>
    public static void DockerManifest(byte[] manifestJson) => Open(Tar(ImageSeeds.DockerFiles(manifestJson)));

    public static IEnumerable<(string, byte[])> LayoutSeeds()
    {
        yield return ("oci-archive.tar", Tar(ImageSeeds.OciFiles()));
        yield return ("oci-archive-multi.tar", Tar(ImageSeeds.OciFiles(nested: true)));
        yield return ("docker-archive.tar", Tar(ImageSeeds.DockerFiles()));
        yield return ("docker-archive.tar.gz", Gzip(Tar(ImageSeeds.DockerFiles())));
    }

    public static IEnumerable<(string, byte[])> IndexSeeds()
    {
        var files = ImageSeeds.OciFiles();
        yield return ("index.json", files.Single(f => f.Name == "index.json").Bytes);
        yield return ("index-multi.json", ImageSeeds.OciFiles(nested: true).Single(f => f.Name == "index.json").Bytes);
    }

    public static IEnumerable<(string, byte[])> ManifestSeeds()
    {
        var config = ImageSeeds.Config();
        yield return ("manifest.json", ImageSeeds.Manifest(config, Gzip(Tar(App))));
    }

    public static IEnumerable<(string, byte[])> ConfigSeeds()
    {
        yield return ("config.json", ImageSeeds.Config());
    }

    public static IEnumerable<(string, byte[])> DockerManifestSeeds()
    {
        yield return ("manifest.json", ImageSeeds.DockerFiles().Single(f => f.Name == "manifest.json").Bytes);
    }
}
