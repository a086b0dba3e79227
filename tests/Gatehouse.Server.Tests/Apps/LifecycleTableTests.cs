using Gatehouse.Server.Apps;

namespace Gatehouse.Server.Tests.Apps;

/// <summary>
/// The lifecycle table (<see cref="Lifecycle"/>) without a server: who may move a version from where to where.
/// The guards on top of it (agreement, evidence, questionnaire, scan) and the HTTP answers are in
/// <see cref="LifecycleTests"/>.
/// </summary>
public sealed class LifecycleTableTests
{
    public static TheoryData<string, string, Actor, string> Allowed => new()
    {
        { Lifecycle.Actions.Submit, VersionStates.Draft, Actor.Vendor, VersionStates.Submitted },
        { Lifecycle.Actions.Submit, VersionStates.ChangesRequested, Actor.Vendor, VersionStates.Submitted },
        { Lifecycle.Actions.ScanQueued, VersionStates.Submitted, Actor.System, VersionStates.Scanning },
        { Lifecycle.Actions.ScanCompleted, VersionStates.Submitted, Actor.System, VersionStates.InReview },
        { Lifecycle.Actions.ScanCompleted, VersionStates.Scanning, Actor.System, VersionStates.InReview },
        { Lifecycle.Actions.ScanRetry, VersionStates.Scanning, Actor.System, VersionStates.Scanning },
        { Lifecycle.Actions.Rescan, VersionStates.InReview, Actor.Staff, VersionStates.Scanning },
        { Lifecycle.Actions.Approve, VersionStates.InReview, Actor.Staff, VersionStates.Approved },
        { Lifecycle.Actions.RequestChanges, VersionStates.InReview, Actor.Staff, VersionStates.ChangesRequested },
        { Lifecycle.Actions.Reject, VersionStates.InReview, Actor.Staff, VersionStates.Rejected },
        { Lifecycle.Actions.Publish, VersionStates.Approved, Actor.Vendor, VersionStates.Published },
        { Lifecycle.Actions.Publish, VersionStates.Approved, Actor.Staff, VersionStates.Published },
        { Lifecycle.Actions.Quarantine, VersionStates.Published, Actor.Staff, VersionStates.Quarantined },
        { Lifecycle.Actions.Quarantine, VersionStates.Published, Actor.System, VersionStates.Quarantined },
        { Lifecycle.Actions.Suspend, VersionStates.Published, Actor.Staff, VersionStates.Suspended },
        { Lifecycle.Actions.Reinstate, VersionStates.Quarantined, Actor.Staff, VersionStates.Published },
        { Lifecycle.Actions.Reinstate, VersionStates.Suspended, Actor.Staff, VersionStates.Published },
        { Lifecycle.Actions.Delist, VersionStates.Published, Actor.Staff, VersionStates.Delisted },
        { Lifecycle.Actions.Delist, VersionStates.Quarantined, Actor.Staff, VersionStates.Delisted },
        { Lifecycle.Actions.Delist, VersionStates.Suspended, Actor.Staff, VersionStates.Delisted },
        { Lifecycle.Actions.Delist, VersionStates.Published, Actor.Vendor, VersionStates.Delisted },
    };

    [Theory, MemberData(nameof(Allowed))]
    public void Each_documented_move_is_allowed_and_leads_where_docs_lifecycle_says(string action, string from, Actor by, string to)
    {
        var move = Lifecycle.Find(action, from, by);
        Assert.NotNull(move);
        Assert.Equal(to, move.To);
    }

    [Fact]
    public void The_table_holds_exactly_the_documented_moves_and_no_move_twice()
    {
        var documented = Allowed.Select(row => ((string)row[0], (string)row[1], (Actor)row[2], (string)row[3])).ToHashSet();
        var table = Lifecycle.Moves.Select(m => (m.Action, m.From, m.By, m.To)).ToList();
        Assert.Equal(table.Count, table.Distinct().Count());
        Assert.Equal(table.Count, Lifecycle.Moves.Select(m => (m.Action, m.From, m.By)).Distinct().Count()); // Find is unambiguous
        Assert.True(documented.SetEquals(table), "moves added or removed: update docs/lifecycle.md and this test together");
    }

    [Fact]
    public void Every_state_in_the_table_is_a_known_version_state()
    {
        foreach (var m in Lifecycle.Moves)
        {
            Assert.Contains(m.From, VersionStates.All);
            Assert.Contains(m.To, VersionStates.All);
        }
    }

    [Theory]
    [InlineData(Lifecycle.Actions.Approve)]
    [InlineData(Lifecycle.Actions.Reject)]
    [InlineData(Lifecycle.Actions.RequestChanges)]
    [InlineData(Lifecycle.Actions.Rescan)]
    [InlineData(Lifecycle.Actions.Reinstate)]
    [InlineData(Lifecycle.Actions.Quarantine)]
    [InlineData(Lifecycle.Actions.Suspend)]
    public void A_vendor_never_takes_a_reviewers_decision_from_any_state(string action)
    {
        foreach (var state in VersionStates.All)
            Assert.Null(Lifecycle.Find(action, state, Actor.Vendor));
    }

    [Fact]
    public void Only_the_system_moves_a_version_through_scanning()
    {
        foreach (var action in new[] { Lifecycle.Actions.ScanQueued, Lifecycle.Actions.ScanCompleted, Lifecycle.Actions.ScanRetry })
            Assert.All(Lifecycle.Moves.Where(m => m.Action == action), m => Assert.Equal(Actor.System, m.By));
    }

    [Fact]
    public void A_version_reaches_published_only_from_approved_or_by_reinstatement()
    {
        var into = Lifecycle.Moves.Where(m => m.To == VersionStates.Published).ToList();
        Assert.All(into, m => Assert.True(
            (m.Action == Lifecycle.Actions.Publish && m.From == VersionStates.Approved)
            || (m.Action == Lifecycle.Actions.Reinstate && m.By == Actor.Staff), $"{m.Action} from {m.From} by {m.By}"));
    }

    [Fact]
    public void Final_states_have_no_way_out_and_only_published_is_live()
    {
        foreach (var state in VersionStates.All)
        {
            Assert.Equal(state is VersionStates.Rejected or VersionStates.Delisted, Lifecycle.IsFinal(state));
            Assert.Equal(state == VersionStates.Published, Lifecycle.IsLive(state));
        }
        Assert.DoesNotContain(Lifecycle.Moves, m => Lifecycle.IsFinal(m.From));
    }

    [Theory]
    [InlineData(Lifecycle.Actions.Publish, VersionStates.Draft, Actor.Vendor)]
    [InlineData(Lifecycle.Actions.Publish, VersionStates.InReview, Actor.Staff)]
    [InlineData(Lifecycle.Actions.Submit, VersionStates.Rejected, Actor.Vendor)]
    [InlineData(Lifecycle.Actions.Submit, VersionStates.InReview, Actor.Vendor)]
    [InlineData(Lifecycle.Actions.Approve, VersionStates.Scanning, Actor.Staff)]
    [InlineData(Lifecycle.Actions.Reinstate, VersionStates.Delisted, Actor.Staff)]
    [InlineData("teleport", VersionStates.Draft, Actor.Staff)]
    public void A_move_outside_the_table_is_refused(string action, string from, Actor by) =>
        Assert.Null(Lifecycle.Find(action, from, by));
}
