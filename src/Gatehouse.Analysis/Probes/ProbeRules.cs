using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Probes;

/// <summary>The rules the endpoint probe reports (docs/probe.md); each has <c>docs/rules/{id}.md</c>.</summary>
public static class ProbeRules
{
    /// <summary>Analyzer ID recorded on probe findings and in the report.</summary>
    public const string AnalyzerId = "probe";

    /// <summary>Bumped whenever a check changes what it reports.</summary>
    public const string Version = "1.0.0";

    public static readonly RuleDescriptor TlsVersion = new("probe.tls-version", "Endpoint accepts TLS older than 1.2", Severity.Critical, "GH-TLS-1",
        "The host completed a handshake for TLS 1.1 or TLS 1.0. Disable every protocol older than TLS 1.2.");
    public static readonly RuleDescriptor CertificateInvalid = new("probe.certificate-invalid", "Endpoint certificate is not valid", Severity.Critical, "GH-TLS-1",
        "The certificate is expired, not yet valid, does not chain to a trusted root, or does not match the host name. Serve a publicly trusted certificate for the host with its full chain.");
    public static readonly RuleDescriptor CertificateExpiring = new("probe.certificate-expiring", "Endpoint certificate expires within 30 days", Severity.Medium, "GH-TLS-1",
        "The certificate is valid now but expires within 30 days. Renew it automatically, well before it expires.");
    public static readonly RuleDescriptor HstsMissing = new("probe.hsts-missing", "HSTS missing or shorter than one year", Severity.High, "GH-TLS-2",
        "The HTTPS response has no Strict-Transport-Security header, or its max-age is below 31536000 seconds.");
    public static readonly RuleDescriptor HeaderMissing = new("probe.header-missing", "Security header missing or weak", Severity.Medium, "GH-WEB-1",
        "A response lacks Content-Security-Policy, X-Content-Type-Options: nosniff or Referrer-Policy, or an authenticated response lacks Cache-Control: no-store.");
    public static readonly RuleDescriptor CookieFlags = new("probe.cookie-flags", "Cookie without Secure, HttpOnly or SameSite", Severity.High, "GH-WEB-2",
        "A Set-Cookie header lacks the Secure or HttpOnly attribute, or a SameSite attribute. Mark session cookies Secure, HttpOnly and SameSite=Lax or Strict.");
    public static readonly RuleDescriptor AuthNotEnforced = new("probe.auth-not-enforced", "Declared endpoint answers without credentials", Severity.Critical, "GH-AUTH-1",
        "A declared endpoint answered a request that carried no credentials with a status below 400.");
    public static readonly RuleDescriptor JwtForgedAccepted = new("probe.jwt-forged-accepted", "Endpoint accepts a forged HS256 token", Severity.Critical, "GH-AUTH-2",
        "A declared endpoint accepted a bearer JWT signed with a random HS256 key that it cannot know.");
    public static readonly RuleDescriptor JwtAlgNoneAccepted = new("probe.jwt-alg-none-accepted", "Endpoint accepts an unsigned alg=none token", Severity.Critical, "GH-AUTH-2",
        "A declared endpoint accepted a bearer JWT with \"alg\":\"none\" and no signature.");
    public static readonly RuleDescriptor WebhookSignatureNotVerified = new("probe.webhook-signature-not-verified", "Lifecycle webhook accepts unsigned or wrongly signed deliveries", Severity.Critical, "GH-AUTH-1",
        "The declared lifecycle-webhook URL accepted a POST without a Gatehouse-Signature header, or with a signature made with the wrong secret.");
    public static readonly RuleDescriptor Unreachable = new("probe.unreachable", "Endpoint could not be probed", Severity.Info, "GH-DOM-1",
        "The host did not resolve, refused the connection, timed out or answered something that is not HTTP. The probe is incomplete, never a pass.");
    public static readonly RuleDescriptor SsrfBlocked = new("probe.ssrf-blocked", "Endpoint resolves to a non-public address", Severity.Info, "GH-DOM-1",
        "The host is, or resolves to, a loopback, private, link-local, CGNAT, multicast, unspecified or metadata address, which the probe never connects to. The probe is incomplete.");

    /// <summary>Every probe rule, for <c>gatehouse rules</c> and SARIF.</summary>
    public static readonly IReadOnlyList<RuleDescriptor> All =
    [
        TlsVersion, CertificateInvalid, CertificateExpiring, HstsMissing, HeaderMissing, CookieFlags,
        AuthNotEnforced, JwtForgedAccepted, JwtAlgNoneAccepted, WebhookSignatureNotVerified, Unreachable, SsrfBlocked,
    ];
}
