using Gatehouse.Server.Evidence;

namespace Gatehouse.Server.Tests.Evidence;

/// <summary>The evidence vault's field and note rules (<see cref="EvidenceVault"/>), without a host.</summary>
public sealed class EvidenceRulesTests
{
    private static string? Validate(string? type = EvidenceTypes.Iso27001, string? issuer = "BSI", string? scope = "the whole company",
        string? from = "2026-01-31", string? until = "2027-01-31", string? name = "iso.pdf") =>
        EvidenceVault.Validate(type, issuer, scope, from, until, name, out _, out _);

    [Fact]
    public void Valid_fields_pass_and_dates_without_an_offset_are_utc()
    {
        Assert.Null(EvidenceVault.Validate(EvidenceTypes.Other, " BSI ", "scope", "2026-01-31T10:00", "2026-02-01", "x.pdf", out var from, out var until));
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 10, 0, 0, TimeSpan.Zero), from);
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), until);
    }

    [Fact]
    public void Each_field_is_refused_with_what_to_do()
    {
        Assert.StartsWith("type must be one of: ", Validate(type: "diploma"));
        Assert.StartsWith("issuer is required", Validate(issuer: " "));
        Assert.StartsWith("issuer is required", Validate(issuer: new string('x', EvidenceVault.MaxIssuerLength + 1)));
        Assert.StartsWith("scope is required", Validate(scope: "line\u0007bell"));
        Assert.StartsWith("name is required", Validate(name: null));
        Assert.StartsWith("validFrom must be an ISO 8601 date", Validate(from: "31/01/2026"));
        Assert.StartsWith("validUntil must be an ISO 8601 date", Validate(until: "3000-01-01"));
        Assert.Equal("validUntil must be after validFrom", Validate(until: "2026-01-31"));
    }

    [Fact]
    public void A_rejection_needs_a_note_and_any_note_is_bounded()
    {
        Assert.Equal("note is required: say why the evidence is rejected", EvidenceVault.NoteProblem("  ", required: true));
        Assert.Null(EvidenceVault.NoteProblem(null, required: false));
        Assert.Null(EvidenceVault.NoteProblem("line one\nline two\ttabbed", required: true));
        Assert.NotNull(EvidenceVault.NoteProblem("bell\u0007", required: false));
        Assert.NotNull(EvidenceVault.NoteProblem(new string('x', EvidenceVault.MaxNoteLength + 1), required: false));
    }
}
