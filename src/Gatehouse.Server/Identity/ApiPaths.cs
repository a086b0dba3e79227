namespace Gatehouse.Server.Identity;

/// <summary>
/// The path prefixes that are APIs rather than pages: there a staff session without two-factor authentication and
/// a refused authorization are answered with problem details, never a redirect. <c>/api</c> always; a feature with
/// an API of its own adds its prefix (the platform API adds <c>/platform</c>).
/// </summary>
internal sealed class ApiPaths
{
    /// <summary>The prefixes, <c>/api</c> first.</summary>
    public IList<PathString> Prefixes { get; } = [new PathString("/api")];

    /// <summary>True when <paramref name="path"/> lies under one of <see cref="Prefixes"/>.</summary>
    public bool Contains(PathString path) => Prefixes.Any(p => path.StartsWithSegments(p));
}
