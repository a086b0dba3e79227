namespace Gatehouse.Server.Apps;

/// <summary>The <see cref="IAppUsageRisk"/> when usage monitoring is not registered: no app has a usage risk.</summary>
internal sealed class NoAppUsageRisk : IAppUsageRisk
{
    public Task<IReadOnlyDictionary<Guid, AppUsageRiskInfo>> RiskAsync(IReadOnlyCollection<Guid> appIds, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<Guid, AppUsageRiskInfo>>(new Dictionary<Guid, AppUsageRiskInfo>());
}
