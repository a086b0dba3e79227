namespace Gatehouse.Server.Advisories;

/// <summary>
/// One entry of <c>Advisories:Sources</c>: an absolute local path (a folder, a <c>.json</c> record or a <c>.zip</c> export)
/// or an <c>http(s)</c> URL. <see cref="Display"/> is what logs, audit entries and pages show: a URL without its user
/// information and query, which may carry a mirror's credentials.
/// </summary>
internal sealed record AdvisorySource(string Text, Uri? Url)
{
    /// <summary>The source as it may be shown.</summary>
    public string Display => Url is null ? Text : Redact(Url);

    /// <summary>Reads a configured source; null with <paramref name="problem"/> when it is neither an absolute path nor an http(s) URL.</summary>
    public static AdvisorySource? TryParse(string? text, out string? problem)
    {
        problem = null;
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            problem = "an empty source";
            return null;
        }
        if (value.Contains("://", StringComparison.Ordinal))
        {
            if (Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
                && !string.IsNullOrEmpty(url.Host))
                return new AdvisorySource(value, url);
            problem = $"{RedactText(value)} is not an http(s) URL";
            return null;
        }
        if (!Path.IsPathFullyQualified(value))
        {
            problem = $"{value} is not an absolute path";
            return null;
        }
        return new AdvisorySource(value, null);
    }

    /// <summary><c>scheme://host[:port]/path</c>, with <c>?…</c> when there was a query; never the user information.</summary>
    public static string Redact(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var shown = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return string.IsNullOrEmpty(url.Query) ? shown : shown + "?…";
    }

    private static string RedactText(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) ? Redact(url) : "the source";
}
