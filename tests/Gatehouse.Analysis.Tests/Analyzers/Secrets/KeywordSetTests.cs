using System.Text;
using Gatehouse.Analysis.Analyzers.Secrets;

namespace Gatehouse.Analysis.Tests.Analyzers.Secrets;

/// <summary>The keyword search that decides which secret rules run must find exactly what a plain comparison finds.</summary>
public sealed class KeywordSetTests
{
    [Fact]
    public void Every_character_equal_to_an_ascii_one_ignoring_case_folds_to_it()
    {
        for (var c = 128; c <= char.MaxValue; c++)
        {
            var text = ((char)c).ToString();
            for (var a = ' '; a <= '~'; a++)
            {
                if (string.Equals(text, a.ToString(), StringComparison.OrdinalIgnoreCase))
                    Assert.Equal((byte)char.ToLowerInvariant(a), KeywordSet.Fold[c]);
            }
        }
    }

    [Fact]
    public void The_pair_table_finds_the_same_occurrences_as_a_plain_comparison()
    {
        var set = SecretRuleSet.Default.Keywords;
        // Keyword fragments, their upper-case forms and the non-ASCII letters that fold to ASCII.
        string[] pieces = [.. set.Words, .. set.Words.Select(w => w.ToUpperInvariant()), "\u0131", "\u017F", "\u212A", "\u0130", "é", " ", "\n", "_", "=", "k", "s"];
        var state = 7u; // a fixed linear congruential sequence: the same text in every run
        int Next(int below) => (int)((state = state * 1664525 + 1013904223) >> 8) % below;
        var sb = new StringBuilder();
        while (sb.Length < 200_000)
        {
            var piece = pieces[Next(pieces.Length)];
            sb.Append(Next(4) == 0 ? piece[..Math.Max(1, piece.Length / 2)] : piece);
        }

        var text = sb.ToString();
        var expected = new List<(int, int)>();
        for (var at = 0; at < text.Length; at++)
        {
            for (var k = 0; k < set.Words.Length; k++)
            {
                var word = set.Words[k];
                if (char.ToLowerInvariant(text[at]) == word[0] && text.AsSpan(at).StartsWith(word, StringComparison.OrdinalIgnoreCase)) expected.Add((k, at));
            }
        }

        var found = new List<(int, int)>();
        set.FindAll(text, (k, at) => found.Add((k, at)));

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(), found.Order());
    }

    [Fact]
    public async Task A_private_key_across_the_seam_of_the_binary_keyword_pass_is_found()
    {
        var pem = TestKeys.RsaPkcs8 + "\n";
        // NULs make it binary; the 8 KiB head and one 64 KiB read later, "PRIVATE KEY" straddles two reads.
        var bytes = new byte[(8 << 10) + (64 << 10) - 16].ToList();
        bytes.AddRange(Encoding.ASCII.GetBytes(pem));

        var f = Assert.Single(await SecretScanner.ScanAsync([.. bytes], "bin/app"));

        Assert.Equal("secret.private-key", f.RuleId);
    }
}
