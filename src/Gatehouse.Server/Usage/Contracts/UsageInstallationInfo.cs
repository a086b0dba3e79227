namespace Gatehouse.Server.Usage;

/// <summary>One tenant's share of an app's calls over a period, and the first and last minute it was called for.</summary>
/// <param name="TenantId">The tenant; <see cref="Guid.Empty"/> for calls made without one.</param>
/// <param name="TenantName">The tenant's name, when it is known here.</param>
/// <param name="Installed">Whether the app is installed in the tenant now.</param>
internal sealed record UsageInstallationInfo(
    Guid TenantId, string? TenantName, bool Installed, UsageCounts Usage, DateTimeOffset FirstCall, DateTimeOffset LastCall);
