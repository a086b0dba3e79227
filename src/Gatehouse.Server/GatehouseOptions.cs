using System.ComponentModel.DataAnnotations;

namespace Gatehouse.Server;

/// <summary>
/// Top-level settings, section <c>Gatehouse</c>. Defaults suit a single machine with the embedded database.
/// </summary>
public sealed class GatehouseOptions
{
    public const string Section = "Gatehouse";

    /// <summary>Where the database, blobs and keys live. Default: <c>$GATEHOUSE_DATA</c>, else <c>./data</c>.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// What this process does: <c>web</c> (APIs and console), <c>worker</c> (jobs), or both (default <c>web,worker</c>).
    /// Separate workers need shared job storage, i.e. <c>Database:Provider=Postgres</c>.
    /// </summary>
    [Required, CustomValidation(typeof(GatehouseOptions), nameof(ValidateRoles))]
    public string Roles { get; set; } = "web,worker";

    /// <summary>Seed a demo vendor organisation, a reviewer and sample data at start-up.</summary>
    public bool Demo { get; set; }

    /// <summary>E-mail (user name) of the first-run administrator.</summary>
    [Required, EmailAddress]
    public string BootstrapAdminEmail { get; set; } = "admin@gatehouse.local";

    /// <summary>Password of the first-run administrator; if empty, one is generated and printed once.</summary>
    public string? BootstrapAdminPassword { get; set; }

    /// <summary>
    /// Development only: let the OAuth endpoints answer over plain HTTP (default false). Start-up outside the
    /// Development/Testing environments refuses it (docs/oauth.md).
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>
    /// The server's public base URL (e.g. <c>https://gatehouse.example.com/</c>): the OAuth issuer and the base of every
    /// absolute URL the server hands out; a request's <c>Host</c> header never is. Must be https outside Development.
    /// Default: derived from the first URL the server listens on (<c>GATEHOUSE_URLS</c>/<c>ASPNETCORE_URLS</c>).
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>IP addresses of reverse proxies whose <c>X-Forwarded-For/-Proto/-Host</c> are believed (default none).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>CIDR ranges of reverse proxies whose forwarded headers are believed (default none).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public bool IsWeb => HasRole("web");
    public bool IsWorker => HasRole("worker");

    private bool HasRole(string role) =>
        Roles.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
             .Contains(role, StringComparer.OrdinalIgnoreCase);

    /// <summary>Returns the roles that are not known, for start-up validation.</summary>
    public IEnumerable<string> UnknownRoles() =>
        Roles.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
             .Where(r => !r.Equals("web", StringComparison.OrdinalIgnoreCase) && !r.Equals("worker", StringComparison.OrdinalIgnoreCase));

    /// <summary>The rule on <see cref="Roles"/>: only known roles, and at least one.</summary>
    public static ValidationResult? ValidateRoles(string? roles)
    {
        if (roles is null) return ValidationResult.Success; // [Required] says so
        var o = new GatehouseOptions { Roles = roles };
        if (o.UnknownRoles().Any()) return new ValidationResult("Gatehouse:Roles may contain only 'web' and 'worker'");
        if (!o.IsWeb && !o.IsWorker) return new ValidationResult("Gatehouse:Roles must name web, worker or both");
        return ValidationResult.Success;
    }
}
