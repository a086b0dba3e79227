using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server.Registry;

/// <summary>
/// Settings of section <c>Registry</c>: the gated registry that serves approved container images (docs/registry.md).
/// Off while <see cref="Url"/> is empty: container versions are then not distributed.
/// </summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    /// <summary>
    /// Where Gatehouse pushes approved images (the registry's own address as Gatehouse reaches it, e.g.
    /// <c>http://127.0.0.1:5000</c>); empty turns distribution off.
    /// </summary>
    [CustomValidation(typeof(RegistryOptions), nameof(ValidateUrl))]
    public string? Url { get; set; }

    /// <summary>
    /// The registry's host (and port) as customers reach it, shown in the pull commands (e.g. <c>registry.example.com</c>);
    /// default: <see cref="Url"/>'s host and port.
    /// </summary>
    [CustomValidation(typeof(RegistryOptions), nameof(ValidatePublicHost))]
    public string? PublicHost { get; set; }

    /// <summary>The registry's <c>auth.token.service</c>: the <c>aud</c> of every token (default <c>gatehouse-registry</c>).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Registry:Service must not be empty")]
    [RegularExpression(@"^[A-Za-z0-9._:-]{1,200}$", ErrorMessage = "Registry:Service must be 1-200 letters, digits, '.', '_', ':' or '-'")]
    public string Service { get; set; } = "gatehouse-registry";

    /// <summary>The registry's <c>auth.token.issuer</c>: the <c>iss</c> of every token (default <c>gatehouse</c>).</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Registry:Issuer must not be empty")]
    [RegularExpression(@"^[A-Za-z0-9._:/-]{1,200}$", ErrorMessage = "Registry:Issuer must be 1-200 letters, digits, '.', '_', ':', '/' or '-'")]
    public string Issuer { get; set; } = "gatehouse";

    /// <summary>How long a token lives (default 5 minutes; 30 seconds to 1 hour). Also how long a token handed out before a quarantine or an uninstall may still fetch blobs it names.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "01:00:00", ErrorMessage = "Registry:TokenLifetime must be between 30 seconds and 1 hour")]
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Where Gatehouse writes the token-signing certificate (PEM) at start-up, for the registry's
    /// <c>auth.token.rootcertbundle</c>; default: only <c>{DataDirectory}/keys/registry/token-signing.crt</c>.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>First path segment of every repository (default <c>apps</c>: <c>apps/&lt;app-slug&gt;</c>).</summary>
    [RegularExpression(@"^[a-z0-9]+(?:[._-][a-z0-9]+)*$", ErrorMessage = "Registry:RepositoryPrefix must be lower-case letters and digits, with '.', '_' or '-' between them")]
    public string RepositoryPrefix { get; set; } = "apps";

    /// <summary>True when distribution is on.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Url);

    /// <summary><see cref="PublicHost"/>, else the host and port of <see cref="Url"/>; null when off.</summary>
    public string? PullHost => !Enabled ? null : string.IsNullOrWhiteSpace(PublicHost) ? new Uri(Url!).Authority : PublicHost;

    /// <summary>The rule on <see cref="Url"/>: unset, or an absolute http(s) origin without a path, query or credentials.</summary>
    public static ValidationResult? ValidateUrl(string? url) =>
        string.IsNullOrWhiteSpace(url) || (Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "https" or "http"
                                           && u.AbsolutePath == "/" && string.IsNullOrEmpty(u.Query) && string.IsNullOrEmpty(u.UserInfo))
            ? ValidationResult.Success
            : new ValidationResult("Registry:Url must be an absolute http(s) origin without a path, e.g. http://127.0.0.1:5000");

    /// <summary>The rule on <see cref="PublicHost"/>: unset, or <c>host[:port]</c> without a scheme or path.</summary>
    public static ValidationResult? ValidatePublicHost(string? host) =>
        string.IsNullOrWhiteSpace(host) || (host.IndexOfAny(['/', '@', '?', '#', ' ']) < 0
                                            && Uri.TryCreate("https://" + host, UriKind.Absolute, out var u) && u.AbsolutePath == "/")
            ? ValidationResult.Success
            : new ValidationResult("Registry:PublicHost must be host[:port] without a scheme or path, e.g. registry.example.com");
}
