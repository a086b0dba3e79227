namespace Gatehouse.Server.Errors;

/// <summary>
/// Stable error codes carried in every problem details response as <c>code</c>; the problem
/// <c>type</c> is the doc page <c>/docs/errors/{code}</c> (see <c>docs/errors/</c>).
/// </summary>
internal static class ProblemCodes
{
    public const string Unauthenticated = "auth.unauthenticated";
    public const string Forbidden = "auth.forbidden";
    public const string InvalidToken = "auth.invalid-token";
    public const string InsufficientScope = "auth.insufficient-scope";
    public const string Antiforgery = "auth.antiforgery";
    public const string TwoFactorRequired = "auth.two-factor-required";
    public const string NotFound = "request.not-found";
    public const string Validation = "request.invalid";
    public const string Conflict = "request.conflict";
    public const string MethodNotAllowed = "request.method-not-allowed";
    public const string RateLimited = "request.rate-limited";
    public const string TooLarge = "request.too-large";
    public const string BlobTooLarge = "blob.too-large";
    public const string BlobQuotaExceeded = "blob.quota-exceeded";
    public const string WebhookUrlRefused = "webhook.url-refused";
    public const string ServerError = "server.error";
    public const string LifecycleInvalidTransition = "lifecycle.invalid-transition";
    public const string LifecycleGuardFailed = "lifecycle.guard-failed";
    public const string ConflictOfInterest = "review.conflict-of-interest";
    public const string InvitationInvalid = "invitation.invalid";
    public const string InvitationStaffNotAllowed = "invitation.staff-not-allowed";
    public const string VendorMembersOnly = "org.members-only";
    public const string AgreementOutdated = "agreement.outdated";
    public const string AgreementHashMismatch = "agreement.hash-mismatch";
    public const string DownloadUrlInvalid = "download.url-invalid";
    public const string DownloadUnavailable = "download.unavailable";
    public const string RegistryCredentialsInvalid = "registry.credentials-invalid";
    public const string ChartsCredentialsInvalid = "charts.credentials-invalid";
    public const string AppAccessSuspended = "app.access-suspended";
    public const string SbomInvalid = "sbom.invalid";
    public const string VexInvalid = "vex.invalid";
    public const string VexUnsupported = "vex.unsupported";
    /// <summary>A container image reference that cannot be parsed or names no registry (issue 17).</summary>
    public const string ImageReferenceInvalid = "image.reference-invalid";
    /// <summary>A smoke-test declaration out of bounds (issue 17).</summary>
    public const string SmokeTestInvalid = "smoke.invalid";
    /// <summary>A registry credential that is malformed, unknown, or for another registry than the reference's (issue 17).</summary>
    public const string RegistryCredentialInvalid = "registry-credential.invalid";
    /// <summary>A vendor's Sigstore bundle that does not verify against the version's artifact and the organisation's keys (issue 19).</summary>
    public const string VendorSignatureInvalid = "signing.vendor-signature-invalid";

    /// <summary>Default code for a status when the handler did not set one.</summary>
    public static string ForStatus(int status) => status switch
    {
        400 => Validation,
        401 => Unauthenticated,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        413 => TooLarge,
        _ when status >= 500 => ServerError,
        _ => $"http.{status}",
    };

    public static string TypeFor(string code) => $"/docs/errors/{code}";
}
