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
