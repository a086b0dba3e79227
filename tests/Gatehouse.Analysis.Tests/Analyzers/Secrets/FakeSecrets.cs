using System.Security.Cryptography;
using System.Text;
using Gatehouse.Analysis.Analyzers.Secrets;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Tests.Analyzers.Secrets;

/// <summary>
/// Builds fake secrets at run time from a seed and a few prefix pieces, so that this repository
/// never contains a literal that looks like a live credential (push protection, other scanners).
/// Deterministic: the same seed gives the same value in every run.
/// </summary>
internal static class Fake
{
    public const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    public const string Lower = "abcdefghijklmnopqrstuvwxyz";
    public const string Digits = "0123456789";
    public const string Hex = "0123456789abcdef";
    public const string Alnum = Upper + Lower + Digits;
    public const string UpperDigits = Upper + Digits;
    public const string Base64 = Alnum + "+/";
    public const string Url = Alnum + "-_";
    public const string Base32 = Upper + "234567";

    public static string Chars(string alphabet, int length, string seed)
    {
        var sb = new StringBuilder(length);
        for (var block = 0; sb.Length < length; block++)
        {
            foreach (var b in SHA256.HashData(Encoding.UTF8.GetBytes(seed + "#" + block)))
            {
                if (sb.Length == length) break;
                sb.Append(alphabet[b % alphabet.Length]);
            }
        }

        return sb.ToString();
    }

    public static string Al(int length, string seed) => Chars(Alnum, length, seed);

    public static string HexOf(int length, string seed) => Chars(Hex, length, seed);

    public static string UrlSafe(int length, string seed) => Chars(Url, length, seed);

    public static string B64(int length, string seed) => Chars(Base64, length, seed);

    public static string Uuid(string seed)
    {
        var h = HexOf(32, seed);
        return $"{h[..8]}-{h[8..12]}-4{h[13..16]}-a{h[17..20]}-{h[20..]}";
    }

    public static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Runs the analyzer on in-memory content.</summary>
internal static class SecretScanner
{
    public static Task<List<Finding>> ScanAsync(string content, string path = "app/config.env") =>
        ScanAsync(Encoding.UTF8.GetBytes(content), path);

    public static async Task<List<Finding>> ScanAsync(byte[] content, string path, CancellationToken ct = default, long? declaredLength = null)
    {
        var findings = new List<Finding>();
        var file = new ScanFile
        {
            Path = path,
            Length = declaredLength ?? content.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
            Depth = 0,
            Open = () => new MemoryStream(content, writable: false),
        };
        var context = new AnalysisContext(Policy.Default, "downloadable", findings.Add);
        await new SecretsAnalyzer().AnalyzeAsync(file, context, ct);
        return findings;
    }
}
