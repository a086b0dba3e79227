namespace Gatehouse.Server.Audit;

/// <summary>Stable IDs of audited actions. Each has a line in <c>docs/audit.md</c>.</summary>
public static class AuditActions
{
    public const string LoginSucceeded = "auth.login.succeeded";
    public const string LoginFailed = "auth.login.failed";
    public const string LoginLockedOut = "auth.login.locked-out";
    public const string Logout = "auth.logout";
    public const string TokenIssued = "auth.token.issued";
    public const string TokenRevoked = "auth.token.revoked";
    public const string UserCreated = "user.created";
    public const string UserRolesChanged = "user.roles.changed";
    public const string BootstrapAdminCreated = "user.bootstrap-admin.created";
    public const string OrganizationCreated = "org.created";
    public const string MemberAdded = "org.member.added";
    public const string MemberRemoved = "org.member.removed";
    public const string AuditVerified = "audit.verified";
    public const string ScanSubmitted = "scan.submitted";
    public const string ScanCompleted = "scan.completed";
}
