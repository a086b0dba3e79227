using Gatehouse.Analysis.Images;

namespace Gatehouse.Analysis.Tests.Images;

/// <summary>The whiteout rules of the OCI image spec ("applying changesets"), as <see cref="ImageFilesystem.Merge"/> applies them.</summary>
public sealed class ImageFilesystemTests
{
    private static LayerEntry F(int layer, string path) => new(layer, path, LayerEntryType.File, 0b110_100_100, 0, 0, 1, null);
    private static LayerEntry D(int layer, string path) => new(layer, path, LayerEntryType.Directory, 0b111_101_101, 0, 0, 0, null);

    private static string[] Paths(ImageFilesystem fs) => fs.Entries.Keys.Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void A_whiteout_removes_the_file_and_everything_below_a_directory_of_the_lower_layers()
    {
        var fs = ImageFilesystem.Merge([
            D(0, "app"), F(0, "app/.env"), D(0, "app/conf"), F(0, "app/conf/a"), F(0, "app/keep"),
            F(1, "app/.wh..env"), F(1, "app/.wh.conf"),
        ]);

        Assert.Equal(["app", "app/keep"], Paths(fs));
        Assert.DoesNotContain(fs.Entries.Keys, k => k.Contains(".wh.", StringComparison.Ordinal));
    }

    [Fact]
    public void An_opaque_directory_hides_what_the_lower_layers_had_below_it_but_keeps_its_own_layers_entries()
    {
        var fs = ImageFilesystem.Merge([
            D(0, "etc"), F(0, "etc/a"), F(0, "etc/b"), F(0, "other"),
            D(1, "etc"), F(1, "etc/.wh..wh..opq"), F(1, "etc/c"),
        ]);

        Assert.Equal(["etc", "etc/c", "other"], Paths(fs));
        Assert.Equal(1, fs.Get("etc/c")!.Layer);
    }

    [Fact]
    public void A_file_replacing_a_directory_removes_what_was_below_it()
    {
        var fs = ImageFilesystem.Merge([D(0, "data"), F(0, "data/x"), F(1, "data")]);

        Assert.Equal(["data"], Paths(fs));
        Assert.Equal(LayerEntryType.File, fs.Get("data")!.Type);
    }

    [Fact]
    public void A_file_deleted_and_added_again_is_the_later_layers_copy()
    {
        var fs = ImageFilesystem.Merge([F(0, "app/.env"), F(1, "app/.wh..env"), F(2, "./app/.env")]);

        Assert.Equal(2, fs.Get("app/.env")!.Layer);
        Assert.Equal(2, fs.Get("/app/.env")!.Layer);
    }

    [Fact]
    public void A_whiteout_hides_only_the_lower_layers_not_an_entry_of_its_own_layer()
    {
        var fs = ImageFilesystem.Merge([F(0, "a"), F(1, "a"), F(1, ".wh.a")]);

        Assert.Equal(1, fs.Get("a")!.Layer);
    }
}
