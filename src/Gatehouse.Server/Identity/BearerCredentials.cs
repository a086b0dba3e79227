namespace Gatehouse.Server.Identity;

/// <summary>
/// Bearer credentials that features add beside Identity's own personal access tokens (the platform API's keys,
/// <c>ghk_…</c>): each says how to recognise its token in the <c>Authorization</c> header and which
/// authentication scheme judges it. The default scheme forwards such a request there, so that Identity names
/// no feature; register one with <see cref="AuthSetup.AddBearerCredential{THandler}"/>.
/// </summary>
internal sealed class BearerCredentials
{
    private readonly List<(string Scheme, Func<string?, bool> Presents)> _credentials = [];

    /// <summary>Adds a credential: requests whose <c>Authorization</c> header passes <paramref name="presents"/> go to <paramref name="scheme"/>.</summary>
    public void Add(string scheme, Func<string?, bool> presents)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        ArgumentNullException.ThrowIfNull(presents);
        _credentials.Add((scheme, presents));
    }

    /// <summary>The scheme of the credential the header carries, or null when it carries none of these.</summary>
    public string? SchemeFor(string? authorization)
    {
        foreach (var (scheme, presents) in _credentials)
            if (presents(authorization)) return scheme;
        return null;
    }
}
