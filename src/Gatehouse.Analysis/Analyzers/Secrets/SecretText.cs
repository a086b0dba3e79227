using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Gatehouse.Analysis.Analyzers.Secrets;

/// <summary>Pure helpers on secret values: redaction, hashing, entropy, token validation.</summary>
internal static class SecretText
{
    /// <summary>Shown instead of secrets too short to show any part of.</summary>
    public const string Redacted = "[redacted]";

    /// <summary>Secrets shorter than this are never partly shown.</summary>
    public const int MinLengthToShowEnds = 12;

    /// <summary>First and last four characters with an ellipsis, or <see cref="Redacted"/> when short (principle 8).</summary>
    public static string Redact(string secret) =>
        secret.Length < MinLengthToShowEnds ? Redacted : string.Concat(secret.AsSpan(0, 4), "…", secret.AsSpan(secret.Length - 4));

    /// <summary>Lower-case hex SHA-256 of the UTF-8 value: the finding's fingerprint key, never the value itself.</summary>
    public static string Sha256Hex(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Shannon entropy in bits per character.</summary>
    public static double Entropy(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty) return 0;
        Span<int> ascii = stackalloc int[128];
        Dictionary<char, int>? other = null;
        foreach (var c in value)
        {
            if (c < 128)
            {
                ascii[c]++;
            }
            else
            {
                other ??= [];
                other[c] = other.GetValueOrDefault(c) + 1;
            }
        }

        double n = value.Length, bits = 0;
        foreach (var count in ascii)
        {
            if (count > 0) bits -= count / n * Math.Log2(count / n);
        }

        if (other is not null)
        {
            foreach (var count in other.Values) bits -= count / n * Math.Log2(count / n);
        }

        return bits;
    }

    /// <summary>
    /// True when the value is a JWT: three base64url parts whose header decodes to a JSON object
    /// with a string <c>alg</c> (RFC 7519 §7.2, RFC 7515 §4.1.1).
    /// </summary>
    public static bool IsJwt(string value)
    {
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot > 4096) return false;
        var header = value.AsSpan(0, dot);
        var padded = new char[header.Length + 3];
        var length = 0;
        foreach (var c in header) padded[length++] = c switch { '-' => '+', '_' => '/', _ => c };
        while (length % 4 != 0) padded[length++] = '=';
        var bytes = new byte[length];
        if (!Convert.TryFromBase64Chars(padded.AsSpan(0, length), bytes, out var written)) return false;
        try
        {
            using var doc = JsonDocument.Parse(bytes.AsMemory(0, written));
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("alg", out var alg)
                && alg.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>How many of the classes upper-case letter, lower-case letter, digit and other the value uses (0-4).</summary>
    public static int CharClasses(ReadOnlySpan<char> value)
    {
        bool upper = false, lower = false, digit = false, other = false;
        foreach (var c in value)
        {
            if (char.IsAsciiLetterUpper(c)) upper = true;
            else if (char.IsAsciiLetterLower(c)) lower = true;
            else if (char.IsAsciiDigit(c)) digit = true;
            else other = true;
        }

        return (upper ? 1 : 0) + (lower ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
    }

    /// <summary>
    /// True when the value reads as a program identifier, not a random string: identifier characters
    /// only, digits at most as a suffix (<c>defaultConfig2</c>, <c>ReactCurrentOwner$1</c>,
    /// <c>prev_token_2</c>), and words (split at case changes, <c>_</c>, <c>$</c>, <c>-</c>) of
    /// <paramref name="minAverageWord"/> letters or more on average. Random base62 changes case every
    /// one or two characters and has digits inside, so its words are short.
    /// </summary>
    public static bool LooksLikeIdentifier(ReadOnlySpan<char> value, double minAverageWord)
    {
        var end = value.Length;
        while (end > 0 && char.IsAsciiDigit(value[end - 1])) end--;
        var stem = value[..end];
        if (stem.Length == 0) return false;
        var letters = 0;
        var words = 0;
        var previous = '\0';
        foreach (var c in stem)
        {
            if (char.IsAsciiDigit(c)) return false;
            if (c is '_' or '$' or '-')
            {
                previous = c;
                continue;
            }

            if (!char.IsAsciiLetter(c)) return false;
            letters++;
            // A word starts after a separator, at the start, or where lower case turns upper case.
            if (!char.IsAsciiLetter(previous) || (char.IsAsciiLetterUpper(c) && char.IsAsciiLetterLower(previous))) words++;
            previous = c;
        }

        return words > 0 && (double)letters / words >= minAverageWord;
    }

    /// <summary>
    /// True when <paramref name="index"/> is inside a string literal on its line: an odd number of
    /// unescaped quotes of one kind before it (looked at from the line start, at most 2048 characters back).
    /// </summary>
    public static bool InsideStringLiteral(string text, int index)
    {
        var from = Math.Max(0, index - 2048);
        var lineStart = text.LastIndexOf('\n', Math.Max(0, index - 1), index - from) + 1;
        if (lineStart > from) from = lineStart;
        var open = '\0';
        for (var i = from; i < index; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            if (open == '\0')
            {
                if (c is '"' or '\'' or '`') open = c;
            }
            else if (c == open)
            {
                open = '\0';
            }
        }

        return open != '\0';
    }

    /// <summary>Trims whitespace and trailing escaped newlines (<c>\n</c> inside JSON strings) so the same key hashes the same however it is quoted.</summary>
    public static string Normalize(string value)
    {
        var span = value.AsSpan().Trim();
        while (span.Length >= 2 && span[^2] == '\\' && span[^1] is 'n' or 'r')
        {
            span = span[..^2].TrimEnd();
        }

        return span.Length == value.Length ? value : span.ToString();
    }
}
