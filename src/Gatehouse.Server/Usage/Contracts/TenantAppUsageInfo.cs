namespace Gatehouse.Server.Usage;

/// <summary>One app that called a tenant's data: how much, and the first and last minute it did.</summary>
/// <param name="App">The app's slug.</param>
/// <param name="Name">The app's name.</param>
/// <param name="Installed">Whether the app is installed in the tenant now (calls while not installed are refused and counted).</param>
internal sealed record TenantAppUsageInfo(string App, string Name, bool Installed, UsageCounts Usage, DateTimeOffset FirstCall, DateTimeOffset LastCall);
