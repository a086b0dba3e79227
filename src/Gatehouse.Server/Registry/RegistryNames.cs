using System.Text.RegularExpressions;

namespace Gatehouse.Server.Registry;

/// <summary>Where an app's images live in the registry: repository <c>{prefix}/{app-slug}</c>, tag = the version.</summary>
internal static partial class RegistryNames
{
    /// <summary>The repository of the app <paramref name="slug"/>.</summary>
    public static string Repository(RegistryOptions options, string slug)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.RepositoryPrefix + "/" + slug;
    }

    /// <summary>The app slug a repository name stands for, or null when it is not one of Gatehouse's repositories.</summary>
    public static string? SlugOf(RegistryOptions options, string repository)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(repository);
        var prefix = options.RepositoryPrefix + "/";
        if (!repository.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var slug = repository[prefix.Length..];
        return SlugPattern().IsMatch(slug) ? slug : null;
    }

    /// <summary>
    /// The tag of a version: the version itself when it is a valid tag (<c>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}</c>, the
    /// distribution reference grammar), else with every other character (e.g. SemVer's <c>+</c>) replaced by <c>-</c>.
    /// </summary>
    public static string Tag(string version)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        var tag = InvalidTagCharacter().Replace(version, "-");
        if (!char.IsAsciiLetterOrDigit(tag[0]) && tag[0] != '_') tag = "v" + tag;
        return tag.Length <= 128 ? tag : tag[..128];
    }

    [GeneratedRegex("^[a-z0-9]+(?:-+[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex InvalidTagCharacter();
}
