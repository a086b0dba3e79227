using Gatehouse.Analysis.Analyzers.FileType;
using static Gatehouse.Analysis.Tests.Analyzers.FileType.FileTypeSamples;

namespace Gatehouse.Analysis.Tests.Analyzers.FileType;

public sealed class FileTypeDetectorTests
{
    private static readonly LibMagic s_magic = new();

    private static FileTypeDetection Detect(byte[] content) => new FileTypeDetector(s_magic).Detect(new MemoryStream(content, writable: false));

    [Fact]
    public void A_PE_header_is_detected_as_a_DOS_PE_executable()
    {
        var d = Detect(Pe());
        Assert.Equal(FileTypes.Pe, d.Mime);
        Assert.True(d.Confident);
    }

    [Fact]
    public void An_ELF_executable_and_an_ELF_shared_library_are_told_apart()
    {
        Assert.Equal(FileTypes.Elf, Detect(Elf(2)).Mime);
        Assert.Equal(FileTypes.ElfSharedLib, Detect(Elf(3)).Mime);
    }

    [Fact]
    public void A_real_PNG_is_an_image_png_and_libmagic_agrees()
    {
        var d = Detect(Png());
        Assert.Equal(FileTypes.Png, d.Mime);
        Assert.Equal("image/png", d.MagicMime);
    }

    [Fact]
    public void A_jar_written_without_the_CAFE_extra_field_is_a_java_archive_although_libmagic_says_zip()
    {
        var d = Detect(Jar());
        Assert.Equal(FileTypes.Jar, d.Mime);
        Assert.Equal("application/zip", d.MagicMime);
    }

    [Fact]
    public void A_war_is_told_from_a_jar_by_its_WEB_INF_folder() => Assert.Equal(FileTypes.War, Detect(War()).Mime);

    [Fact]
    public void A_nupkg_is_detected_from_its_nuspec_and_content_types() => Assert.Equal(FileTypes.Nupkg, Detect(Nupkg()).Mime);

    [Fact]
    public void A_vsix_is_detected_from_its_extension_manifest() => Assert.Equal(FileTypes.Vsix, Detect(Vsix()).Mime);

    [Fact]
    public void A_crx_is_detected_from_its_Cr24_magic() => Assert.Equal(FileTypes.Crx, Detect(Crx()).Mime);

    [Fact]
    public void A_tgz_is_a_gzipped_tar_although_libmagic_says_gzip()
    {
        var d = Detect(Tgz());
        Assert.Equal(FileTypes.TarGzip, d.Mime);
        Assert.Equal("application/gzip", d.MagicMime);
    }

    [Fact]
    public void A_gzip_of_plain_text_stays_gzip() => Assert.Equal(FileTypes.Gzip, Detect(Gzip(Utf8("hello world\n"))).Mime);

    [Fact]
    public void An_OCI_layout_tarball_is_detected_from_oci_layout_and_index_json()
    {
        var d = Detect(OciLayout());
        Assert.Equal(FileTypes.OciLayout, d.Mime);
        Assert.Equal("application/x-tar", d.MagicMime);
    }

    [Fact]
    public void A_docker_archive_is_detected_from_manifest_json_and_its_layers() => Assert.Equal(FileTypes.DockerArchive, Detect(DockerArchive()).Mime);

    [Fact]
    public void A_plain_tar_stays_a_tar() => Assert.Equal(FileTypes.Tar, Detect(Tar(("a.txt", Utf8("a")))).Mime);

    [Fact]
    public void A_docx_is_wordprocessingml_and_one_with_a_vba_project_is_macro_enabled()
    {
        Assert.Equal(FileTypes.Docx, Detect(Docx()).Mime);
        var docm = Detect(Docx(macros: true));
        Assert.Equal(FileTypes.Docm, docm.Mime);
        Assert.True(docm.HasMacros);
    }

    [Fact]
    public void An_SVG_with_script_is_still_image_svg_xml() => Assert.Equal(FileTypes.Svg, Detect(Utf8(SvgWithScript)).Mime);

    [Fact]
    public void An_HTML_page_is_text_html_with_confidence()
    {
        var d = Detect(Utf8(PlainHtml));
        Assert.Equal(FileTypes.Html, d.Mime);
        Assert.True(d.Confident);
    }

    [Fact]
    public void An_empty_file_is_empty() => Assert.Equal(FileTypes.Empty, Detect([]).Mime);

    [Fact]
    public void Plain_text_is_not_a_confident_type()
    {
        var d = Detect(Utf8("just some words\nand more words\n"));
        Assert.Equal("text/plain", d.Mime);
        Assert.False(d.Confident);
    }

    [Fact]
    public void A_zip_truncated_before_its_central_directory_is_still_typed_without_throwing()
    {
        var jar = Jar();
        var d = Detect(jar[..(jar.Length / 2)]);
        Assert.Equal(FileTypes.Zip, d.Mime);
    }
}
