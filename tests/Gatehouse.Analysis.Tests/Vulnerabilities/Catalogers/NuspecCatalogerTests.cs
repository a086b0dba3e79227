using System.IO.Compression;
using Gatehouse.Analysis.Vulnerabilities.Catalogers;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Catalogers;

public sealed class NuspecCatalogerTests
{
    [Fact]
    public void A_real_nupkg_from_the_local_cache_names_itself()
    {
        // A package this build restored: its nuspec as NuGet wrote it.
        var home = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var nupkg = Path.Combine(home, "bouncycastle.cryptography", "2.7.0", "bouncycastle.cryptography.2.7.0.nupkg");
        Assert.True(File.Exists(nupkg), $"{nupkg} is restored by the build");
        using var zip = ZipFile.OpenRead(nupkg);
        var entry = zip.Entries.Single(e => NuspecCataloger.Handles("x.nupkg!/" + e.FullName));
        using var reader = new StreamReader(entry.Open());

        var package = NuspecCataloger.Parse(reader.ReadToEnd(), "x.nupkg!/" + entry.FullName, out var problem);

        Assert.Null(problem);
        Assert.Equal("pkg:nuget/BouncyCastle.Cryptography@2.7.0", package!.Purl.ToString());
    }

    [Theory]
    [InlineData("<package><metadata><id>A</id></metadata></package>", "no package/metadata id")]
    [InlineData("<package><metadata><id>A", "not valid XML")]
    [InlineData("<!DOCTYPE lolz [<!ENTITY lol \"lol\">]><package><metadata><id>&lol;</id><version>1</version></metadata></package>", "not valid XML")]
    public void Malformed_or_hostile_nuspecs_name_nothing(string xml, string reason)
    {
        Assert.Null(NuspecCataloger.Parse(xml, "x.nuspec", out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pkg.nupkg!/Pkg.nuspec", true)]
    [InlineData("Pkg.nuspec", true)]
    [InlineData("pkg.nupkg!/content/other.nuspec", false)]
    public void Only_the_root_nuspec_counts(string path, bool handles) => Assert.Equal(handles, NuspecCataloger.Handles(path));
}
