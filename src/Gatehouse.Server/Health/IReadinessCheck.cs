namespace Gatehouse.Server.Health;

/// <summary>
/// One dependency that must work for the server to be ready (database, blob store, job storage,
/// and later each scan engine). Registered as <see cref="IReadinessCheck"/>; <c>/readyz</c> runs them all.
/// </summary>
public interface IReadinessCheck
{
    string Name { get; }
    Task<ReadinessResult> CheckAsync(CancellationToken ct);
}

/// <summary>Outcome of one check. <paramref name="Detail"/> must not contain secrets.</summary>
public sealed record ReadinessResult(bool Ready, string Detail)
{
    public static ReadinessResult Ok(string detail = "ok") => new(true, detail);
    public static ReadinessResult Down(string detail) => new(false, detail);
}
