using NuGet.Versioning;

namespace Gatehouse.Analysis.Vulnerabilities.Versions;

/// <summary>
/// NuGet version ordering (OSV ecosystem <c>NuGet</c>), delegated to NuGet.Versioning, the reference implementation
/// the NuGet client itself uses: <see cref="NuGetVersion.TryParse(string, out NuGetVersion)"/> and
/// <see cref="VersionComparer.Default"/>. Up to four numeric parts (<c>1.0</c> == <c>1.0.0.0</c>), SemVer 2.0
/// prerelease labels compared case-insensitively, build metadata ignored. Test data: NuGet's documented ordering
/// (docs "Package versioning") and NuGet.Versioning's own comparer tests.
/// </summary>
public sealed class NuGetVersionScheme : IVersionScheme
{
    /// <summary>The shared instance (stateless).</summary>
    public static NuGetVersionScheme Instance { get; } = new();

    private NuGetVersionScheme()
    {
    }

    /// <inheritdoc />
    public string Ecosystem => "NuGet";

    /// <inheritdoc />
    public bool IsValid(string version) => Parse(version) is not null;

    /// <inheritdoc />
    public int? Compare(string a, string b)
    {
        var x = Parse(a);
        var y = Parse(b);
        if (x is null || y is null)
        {
            return null;
        }
        return Math.Sign(VersionComparer.Default.Compare(x, y));
    }

    private static NuGetVersion? Parse(string version)
    {
        if (string.IsNullOrEmpty(version) || version.Length > LanguageVersionText.MaxLength)
        {
            return null;
        }
        // NuGet parses each numeric part as an Int32, so an oversized number is simply invalid here, as in NuGet.
        return NuGetVersion.TryParse(version, out var parsed) ? parsed : null;
    }
}
