using Gatehouse.Server.Downloads;

namespace Gatehouse.Server.Tests.Downloads;

/// <summary>
/// The count window's promise to a client: a download that starts (200) has its record committed, also when the
/// same URL is already being recorded by a concurrent request (the crash suite found a 200 whose record the kill lost).
/// </summary>
public sealed class DownloadCountWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_repeat_waits_until_the_first_request_committed_and_is_then_not_counted()
    {
        var w = new DownloadCountWindow();
        using var first = await w.ClaimAsync("u|a", T0, Window, CancellationToken.None);
        Assert.NotNull(first);

        var repeat = w.ClaimAsync("u|a", T0.AddSeconds(1), Window, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(repeat.IsCompleted, "a repeat must not go on (and stream) before the first record committed");

        first.Committed();
        Assert.Null(await repeat.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(await w.ClaimAsync("u|a", T0.AddSeconds(59), Window, CancellationToken.None));
    }

    [Fact]
    public async Task When_the_first_request_gives_up_before_its_commit_the_waiting_repeat_counts_itself()
    {
        var w = new DownloadCountWindow();
        var first = await w.ClaimAsync("u|a", T0, Window, CancellationToken.None);
        var repeat = w.ClaimAsync("u|a", T0.AddSeconds(1), Window, CancellationToken.None).AsTask();
        first!.Dispose(); // the first request's SaveChanges threw or was cancelled

        using var second = await repeat.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull(second);
        second.Committed();
        Assert.Null(await w.ClaimAsync("u|a", T0.AddSeconds(2), Window, CancellationToken.None));
    }

    [Fact]
    public async Task Other_keys_a_passed_window_and_a_zero_window_count_again()
    {
        var w = new DownloadCountWindow();
        using (var t = await w.ClaimAsync("u|a", T0, Window, CancellationToken.None)) t!.Committed();

        using (var other = await w.ClaimAsync("u|b", T0, Window, CancellationToken.None)) Assert.NotNull(other);
        using (var later = await w.ClaimAsync("u|a", T0 + Window, Window, CancellationToken.None)) Assert.NotNull(later);
        using (var always = await w.ClaimAsync("u|a", T0, TimeSpan.Zero, CancellationToken.None)) Assert.NotNull(always);
    }

    [Fact]
    public async Task A_waiting_repeat_stops_with_its_request()
    {
        var w = new DownloadCountWindow();
        using var first = await w.ClaimAsync("u|a", T0, Window, CancellationToken.None);
        using var gone = new CancellationTokenSource();
        var repeat = w.ClaimAsync("u|a", T0, Window, gone.Token).AsTask();
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => repeat.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void ShouldCount_counts_once_per_key_and_window()
    {
        var w = new DownloadCountWindow();
        Assert.True(w.ShouldCount("k", T0, Window));
        Assert.False(w.ShouldCount("k", T0.AddSeconds(30), Window));
        Assert.True(w.ShouldCount("k", T0 + Window, Window));
    }
}
