namespace Gatehouse.Server.Registry;

/// <summary>Audit actions of the gated registry (docs/audit.md).</summary>
internal static class RegistryAuditActions
{
    /// <summary>A customer got a pull token for an app's repository (once per access token, repository and minute).</summary>
    public const string PullGranted = "registry.pull-granted";
    /// <summary>A version's image was pushed to the registry.</summary>
    public const string Pushed = "registry.pushed";
    /// <summary>A version's manifest was deleted from the registry (quarantine, suspension, delisting).</summary>
    public const string Removed = "registry.removed";
}
