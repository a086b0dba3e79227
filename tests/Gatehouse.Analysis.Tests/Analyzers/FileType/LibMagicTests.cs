using Gatehouse.Analysis.Analyzers.FileType;
using static Gatehouse.Analysis.Tests.Analyzers.FileType.FileTypeSamples;

namespace Gatehouse.Analysis.Tests.Analyzers.FileType;

public sealed class LibMagicTests
{
    [Fact]
    public void The_installed_libmagic_loads_its_database_and_reports_its_version()
    {
        // Fails (not skips) with "libmagic (libmagic.so.1) is not installed: apt-get install libmagic1 libmagic-mgc" when missing.
        using var magic = new LibMagic();
        Assert.True(LibMagic.Version >= 500, $"libmagic version {LibMagic.Version}");
        Assert.Equal("image/png", magic.MimeType(Png()));
    }

    [Fact]
    public void Per_thread_handles_give_the_same_answers_from_Parallel_For_over_200_buffers()
    {
        byte[][] kinds = [Png(), Pe(), Jar(), Utf8(PlainHtml), Utf8("plain words\n"), Tgz(), Utf8(PlainSvg), PdfWithJavaScript()];
        using var magic = new LibMagic();
        var expected = kinds.Select(k => magic.MimeType(k)).ToArray();
        var results = new string[200];
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = magic.MimeType(kinds[i % kinds.Length]));
        for (var i = 0; i < 200; i++) Assert.Equal(expected[i % kinds.Length], results[i]);
        Assert.Equal(kinds.Length, expected.Distinct().Count());
    }

    [Fact]
    public void A_disposed_instance_refuses_further_use()
    {
        var magic = new LibMagic();
        magic.Dispose();
        Assert.Throws<ObjectDisposedException>(() => magic.MimeType("x"u8));
    }
}
