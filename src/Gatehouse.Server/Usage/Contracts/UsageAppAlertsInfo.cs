namespace Gatehouse.Server.Usage;

/// <summary>One app in the staff overview of open alerts: its risk and its open or acknowledged alerts, newest first.</summary>
internal sealed record UsageAppAlertsInfo(string App, string Name, int Score, string Level, IReadOnlyList<UsageAlertInfo> Alerts);
