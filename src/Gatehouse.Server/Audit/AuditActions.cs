namespace Gatehouse.Server.Audit;

/// <summary>Stable IDs of audited actions. Each has a line in <c>docs/audit.md</c>.</summary>
internal static class AuditActions
{
    public const string LoginSucceeded = "auth.login.succeeded";
    public const string LoginFailed = "auth.login.failed";
    public const string LoginLockedOut = "auth.login.locked-out";
    public const string Logout = "auth.logout";
    public const string LoginThrottled = "auth.login.throttled";
    public const string TwoFactorEnabled = "auth.2fa.enabled";
    public const string TwoFactorSucceeded = "auth.2fa.succeeded";
    public const string TwoFactorFailed = "auth.2fa.failed";
    public const string RecoveryCodeUsed = "auth.2fa.recovery-code-used";
    public const string TokenIssued = "auth.token.issued";
    public const string TokenRevoked = "auth.token.revoked";
    public const string UserCreated = "user.created";
    public const string UserRolesChanged = "user.roles.changed";
    public const string BootstrapAdminCreated = "user.bootstrap-admin.created";
    public const string OrganizationCreated = "org.created";
    public const string MemberAdded = "org.member.added";
    public const string MemberRemoved = "org.member.removed";
    public const string InvitationCreated = "invitation.created";
    public const string InvitationRevoked = "invitation.revoked";
    /// <summary>An invitation refused at acceptance because a staff account tried to join a vendor organisation without an admin's invitation.</summary>
    public const string InvitationStaffRefused = "invitation.staff-refused";
    public const string TenantCreated = "tenant.created";
    public const string TenantAdminAdded = "tenant.admin.added";
    public const string AuditVerified = "audit.verified";
    public const string BlobsRetained = "blob.retention.deleted";
    public const string ScanSubmitted = "scan.submitted";
    public const string ScanCompleted = "scan.completed";
    public const string WebhookCreated = "webhook.created";
    public const string WebhookDeleted = "webhook.deleted";
    public const string WebhookSecretRotated = "webhook.secret-rotated";
    public const string NotificationDead = "notification.dead";
    public const string AppCreated = "app.created";
    public const string VersionCreated = "version.created";
    public const string VersionArtifactUploaded = "version.artifact-uploaded";
    public const string VersionSbomUploaded = "version.sbom-uploaded";
    public const string VersionSbomRematchStarted = "version.sbom-rematch-started";
    public const string VersionAnswered = "version.answered";
    public const string VersionAttested = "version.attested";
    /// <summary>A container version's image reference (and registry credential) set on the draft (issue 17).</summary>
    public const string VersionImageSet = "version.image-set";
    /// <summary>A version's smoke-test declaration set on the draft (issue 17).</summary>
    public const string VersionSmokeTestSet = "version.smoke-test-set";
    /// <summary>A version's image pulled by reference at its scan and recorded as its artifact (issue 17).</summary>
    public const string VersionImagePulled = "version.image-pulled";
    public const string RegistryCredentialCreated = "registry-credential.created";
    public const string RegistryCredentialDeleted = "registry-credential.deleted";
    public const string VersionAssigned = "version.assigned";
    /// <summary>The reconciler started again the scan a version was waiting for, which did not exist or could no longer run.</summary>
    public const string VersionRedriven = "version.redriven";
    /// <summary>Followed by the lifecycle action: <c>version.submit</c>, <c>version.approve</c>, … (see <c>Apps/Lifecycle.cs</c>).</summary>
    public const string VersionPrefix = "version.";
    public const string SuppressionRequested = "suppression.requested";
    public const string SuppressionApproved = "suppression.approved";
    public const string SuppressionRejected = "suppression.rejected";
    public const string SuppressionRevoked = "suppression.revoked";
    /// <summary>Advisories imported into the server's store (an admin's upload or the scheduled import; counts per source).</summary>
    public const string AdvisoriesImported = "advisories.imported";
    /// <summary>A scheduled import could read none of its sources.</summary>
    public const string AdvisoriesImportFailed = "advisories.import-failed";
    public const string ListingPolicyPublished = "policy.published";
    public const string AgreementPublished = "agreement.published";
    public const string AgreementAccepted = "agreement.accepted";
    public const string EvidenceSubmitted = "evidence.submitted";
    public const string EvidenceChecked = "evidence.checked";
    public const string EvidenceVerified = "evidence.verified";
    public const string EvidenceRejected = "evidence.rejected";
    public const string EvidenceExpiryWarned = "evidence.expiry-warned";
    public const string EvidenceExpired = "evidence.expired";
    public const string ApiKeyCreated = "apikey.created";
    public const string ApiKeyRotated = "apikey.rotated";
    public const string ApiKeyRevoked = "apikey.revoked";
    /// <summary>Staff acknowledged a usage alert (seen; it still counts in the app's risk).</summary>
    public const string UsageAlertAcknowledged = "usage.alert-acknowledged";
    /// <summary>Staff resolved a usage alert with a reason (it no longer counts in the app's risk).</summary>
    public const string UsageAlertResolved = "usage.alert-resolved";
}
