using System.Text;
using Gatehouse.Analysis.Audit;

namespace Gatehouse.Analysis.Tests.Audit;

public sealed class AuditChainTests
{
    private static AuditEntryData Sample(long sequence = 1, string? previousHash = null) => new(
        Sequence: sequence,
        AtUnixMs: 1_767_225_600_000,
        Actor: "user-1",
        Action: "auth.login.succeeded",
        OrganizationId: "org-acme",
        Subject: "token-7",
        ClientAddress: "203.0.113.7",
        Data: "{\"method\":\"password\"}",
        PreviousHash: previousHash ?? AuditChain.GenesisHash,
        Hash: "");

    private static List<AuditEntryData> Chain(int count)
    {
        var entries = new List<AuditEntryData>();
        for (var i = 1; i <= count; i++)
        {
            entries.Add(AuditChain.Seal(Sample(i, entries.Count == 0 ? null : entries[^1].Hash) with { Actor = "user-" + i }));
        }
        return entries;
    }

    private static ChainVerifier Verify(IEnumerable<AuditEntryData> entries)
    {
        var verifier = AuditChain.CreateVerifier();
        foreach (var e in entries)
        {
            if (!verifier.Add(e)) break;
        }
        return verifier;
    }

    [Fact]
    public void The_genesis_hash_is_64_zeros()
    {
        Assert.Equal(new string('0', 64), AuditChain.GenesisHash);
    }

    [Fact]
    public void The_canonical_form_is_a_fixed_order_json_array()
    {
        var canonical = Encoding.UTF8.GetString(AuditChain.Canonicalize(Sample()));

        Assert.Equal(
            "[\"gatehouse-audit/v1\",1,1767225600000,\"user-1\",\"auth.login.succeeded\",\"org-acme\",\"token-7\",\"203.0.113.7\","
            + "\"{\\u0022method\\u0022:\\u0022password\\u0022}\",\"" + AuditChain.GenesisHash + "\"]",
            canonical);
    }

    [Fact]
    public void The_canonical_form_is_deterministic()
    {
        Assert.Equal(AuditChain.Canonicalize(Sample()), AuditChain.Canonicalize(Sample()));
    }

    [Fact]
    public void The_canonical_form_writes_missing_optional_fields_as_null()
    {
        var canonical = Encoding.UTF8.GetString(AuditChain.Canonicalize(Sample() with { OrganizationId = null, Subject = null, ClientAddress = null }));

        Assert.Contains("\"auth.login.succeeded\",null,null,null,", canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void The_canonical_form_does_not_cover_the_hash_itself()
    {
        Assert.Equal(AuditChain.Canonicalize(Sample() with { Hash = "a" }), AuditChain.Canonicalize(Sample() with { Hash = "b" }));
    }

    [Fact]
    public void The_hash_is_sha256_over_the_previous_hash_bytes_and_the_canonical_form()
    {
        // Computed independently (Python hashlib) from the canonical string in The_canonical_form_is_a_fixed_order_json_array.
        // If this changes, every stored audit chain stops verifying: bump AuditChain.FormatVersion instead.
        Assert.Equal("7993b29cf58713d677405e27647cba24c5e14b65e5526c310d504567665a2c48", AuditChain.ComputeHash(Sample()));
    }

    [Fact]
    public void The_hash_is_64_lower_case_hex_digits()
    {
        var hash = AuditChain.ComputeHash(Sample());

        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void Seal_fills_in_the_computed_hash_and_nothing_else()
    {
        var sealedEntry = AuditChain.Seal(Sample());

        Assert.Equal(AuditChain.ComputeHash(Sample()), sealedEntry.Hash);
        Assert.Equal(Sample() with { Hash = sealedEntry.Hash }, sealedEntry);
    }

    public static TheoryData<string, Func<AuditEntryData, AuditEntryData>> FieldChanges => new()
    {
        { "sequence", e => e with { Sequence = e.Sequence + 1 } },
        { "atUnixMs", e => e with { AtUnixMs = e.AtUnixMs + 1 } },
        { "actor", e => e with { Actor = "user-2" } },
        { "action", e => e with { Action = "auth.login.failed" } },
        { "organizationId", e => e with { OrganizationId = "org-other" } },
        { "organizationId null", e => e with { OrganizationId = null } },
        { "subject", e => e with { Subject = "token-8" } },
        { "subject empty", e => e with { Subject = "" } },
        { "clientAddress", e => e with { ClientAddress = "203.0.113.8" } },
        { "data", e => e with { Data = "{\"method\":\"passkey\"}" } },
        { "previousHash", e => e with { PreviousHash = new string('1', 64) } },
    };

    [Theory]
    [MemberData(nameof(FieldChanges))]
    public void Changing_any_covered_field_changes_the_hash(string field, Func<AuditEntryData, AuditEntryData> change)
    {
        Assert.False(string.IsNullOrEmpty(field));
        Assert.NotEqual(AuditChain.ComputeHash(Sample()), AuditChain.ComputeHash(change(Sample())));
    }

    [Fact]
    public void Moving_text_between_adjacent_fields_changes_the_hash()
    {
        var a = Sample() with { Actor = "user-1", Action = "x.y" };
        var b = Sample() with { Actor = "user-1x", Action = ".y" };

        Assert.NotEqual(AuditChain.ComputeHash(a), AuditChain.ComputeHash(b));
    }

    [Fact]
    public void An_intact_chain_verifies()
    {
        var chain = Chain(5);

        var verifier = Verify(chain);

        Assert.Null(verifier.Break);
        Assert.Equal(5, verifier.Verified);
        Assert.Equal(5, verifier.HeadSequence);
        Assert.Equal(chain[^1].Hash, verifier.HeadHash);
    }

    [Fact]
    public void An_empty_chain_has_head_zero_and_the_genesis_hash()
    {
        var verifier = AuditChain.CreateVerifier();

        Assert.Equal(0, verifier.HeadSequence);
        Assert.Equal(AuditChain.GenesisHash, verifier.HeadHash);
    }

    [Fact]
    public void An_altered_entry_is_a_hash_mismatch_at_its_sequence()
    {
        var chain = Chain(5);
        chain[2] = chain[2] with { Data = "{}" };

        var verifier = Verify(chain);

        Assert.Equal(new ChainBreak(3, "audit.hash-mismatch", verifier.Break!.Message), verifier.Break);
        Assert.Equal(2, verifier.HeadSequence);
    }

    [Fact]
    public void An_altered_and_resealed_entry_is_a_previous_mismatch_at_the_next_entry()
    {
        var chain = Chain(5);
        chain[2] = AuditChain.Seal(chain[2] with { Data = "{}" });

        var verifier = Verify(chain);

        Assert.Equal(4, verifier.Break?.Sequence);
        Assert.Equal("audit.previous-mismatch", verifier.Break?.Code);
    }

    [Fact]
    public void A_deleted_entry_is_a_gap_at_the_missing_sequence()
    {
        var chain = Chain(5);
        chain.RemoveAt(1);

        var verifier = Verify(chain);

        Assert.Equal(2, verifier.Break?.Sequence);
        Assert.Equal("audit.gap", verifier.Break?.Code);
    }

    [Fact]
    public void A_repeated_entry_is_a_gap()
    {
        var chain = Chain(3);
        chain.Insert(2, chain[1]);

        var verifier = Verify(chain);

        Assert.Equal("audit.gap", verifier.Break?.Code);
        Assert.Equal(3, verifier.Break?.Sequence);
    }

    [Fact]
    public void A_chain_that_does_not_start_at_genesis_is_a_previous_mismatch()
    {
        var first = AuditChain.Seal(Sample(previousHash: new string('f', 64)));

        var verifier = Verify([first]);

        Assert.Equal("audit.previous-mismatch", verifier.Break?.Code);
    }

    [Fact]
    public void The_verifier_refuses_further_entries_after_a_break()
    {
        var chain = Chain(3);
        var verifier = AuditChain.CreateVerifier();
        verifier.Add(chain[1]);

        Assert.False(verifier.Add(chain[0]));
        Assert.Equal(0, verifier.Verified);
    }

    [Fact]
    public void A_verifier_can_start_mid_chain_from_a_known_entry()
    {
        var chain = Chain(6);
        var verifier = AuditChain.CreateVerifier(startSequence: 4, startPreviousHash: chain[2].Hash);

        foreach (var e in chain.Skip(3)) verifier.Add(e);

        Assert.Null(verifier.Break);
        Assert.Equal(3, verifier.Verified);
    }

    [Fact]
    public void An_anchor_that_is_still_there_holds()
    {
        var chain = Chain(5);
        var verifier = Verify(chain);
        var seen = chain.ToDictionary(e => e.Sequence, e => e.Hash);

        Assert.True(verifier.CheckAnchor(3, chain[2].Hash.ToUpperInvariant(), seen));
        Assert.Null(verifier.Break);
    }

    [Fact]
    public void An_anchor_beyond_the_head_is_a_head_mismatch()
    {
        var chain = Chain(5);
        var verifier = Verify(chain.Take(3));
        var seen = chain.Take(3).ToDictionary(e => e.Sequence, e => e.Hash);

        Assert.False(verifier.CheckAnchor(5, chain[4].Hash, seen));
        Assert.Equal(new ChainBreak(5, "audit.head-mismatch", verifier.Break!.Message), verifier.Break);
    }

    [Fact]
    public void An_anchor_with_a_different_hash_is_a_head_mismatch()
    {
        var chain = Chain(5);
        var verifier = Verify(chain);
        var seen = chain.ToDictionary(e => e.Sequence, e => e.Hash);

        Assert.False(verifier.CheckAnchor(3, new string('a', 64), seen));
        Assert.Equal("audit.head-mismatch", verifier.Break?.Code);
    }
}
