using Gatehouse.Server.Audit;

namespace Gatehouse.Server.Tests.Audit;

/// <summary>Which transitions of one (version, action) lack their entry, when there are fewer entries than transitions.</summary>
public sealed class AuditGapMatchingTests
{
    [Fact]
    public void As_many_entries_as_rows_leave_nothing_unmatched() =>
        Assert.Empty(AuditGapMatching.Unmatched([1_000, 2_000, 3_000], [1_005, 2_003, 3_001]));

    [Fact]
    public void No_entries_leave_every_row_unmatched_oldest_first() =>
        Assert.Equal([1, 2, 0], AuditGapMatching.Unmatched([3_000, 1_000, 2_000], []));

    [Fact]
    public void The_row_between_two_audited_ones_is_the_one_without_an_entry() =>
        Assert.Equal([1], AuditGapMatching.Unmatched([1_000, 2_000, 3_000], [1_004, 3_002]));

    [Fact]
    public void The_latest_row_without_an_entry_is_found_when_the_first_ones_have_theirs() =>
        Assert.Equal([2], AuditGapMatching.Unmatched([1_000, 2_000, 3_000], [1_001, 2_001]));

    [Fact]
    public void The_count_decides_even_when_an_entry_is_older_than_every_row()
    {
        // A clock that stepped back: the entry still accounts for one row, so exactly one gap is reported.
        Assert.Single(AuditGapMatching.Unmatched([5_000, 6_000], [10]));
    }

    [Fact]
    public void Equal_times_still_report_exactly_the_missing_count() =>
        Assert.Equal(2, AuditGapMatching.Unmatched([7, 7, 7, 7], [7, 7]).Count);

    [Fact]
    public void More_entries_than_rows_report_no_gap() =>
        Assert.Empty(AuditGapMatching.Unmatched([1_000], [999, 1_000, 1_001]));
}
