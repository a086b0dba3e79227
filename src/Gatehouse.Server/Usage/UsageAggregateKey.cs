namespace Gatehouse.Server.Usage;

/// <summary>What one in-memory aggregate (and one <see cref="UsageMinuteRecord"/>) counts: one minute, app, tenant, credential, endpoint and scope.</summary>
internal readonly record struct UsageAggregateKey(DateTimeOffset Minute, Guid AppId, Guid TenantId, string CredentialId, string Endpoint, string Scope)
{
    /// <summary>The endpoint of an app's overflow key: calls counted after the key cap was reached (their detail is lost, their totals are not).</summary>
    public const string OverflowEndpoint = "(overflow)";

    /// <summary>The start of the minute of <paramref name="at"/>, in UTC.</summary>
    public static DateTimeOffset MinuteOf(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

    /// <summary>The app's overflow key for the same minute.</summary>
    public UsageAggregateKey Overflow() => new(Minute, AppId, Guid.Empty, "", OverflowEndpoint, "");
}
